import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { WebSocket } from 'ws';
import { Secret } from '../auth/secret.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { defineMethod } from '../protocol/methods/define.js';
import { health } from '../protocol/methods/gateway-info.js';
import { useInProcessGateway } from '../../test/helpers/in-process.js';
import { freePort } from '../../test/helpers/gateway-process.js';
import { challengeServer, HEALTH_WITH_TEXT_OK, standInGateway } from '../../test/helpers/stand-in-gateway.js';
import { GatewayClient, type ClientOptions } from './gateway-client.js';
import { loadOrCreateIdentity, type DeviceIdentity } from './identity.js';
import { resultValidator } from './result-check.js';
import { TokenCache } from './token-cache.js';

interface ClientHome {
  identity: DeviceIdentity;
  cache: TokenCache;
}

function clientHome(t: TestContext): ClientHome {
  const dir = mkdtempSync(join(tmpdir(), 'cg-client-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const identity = loadOrCreateIdentity(join(dir, 'identity', 'device.json'));
  return { identity, cache: new TokenCache(join(dir, 'identity', 'device-auth.json'), identity.deviceId) };
}

/** A client that checks every result against its definition, as the test suite's clients do. */
function client(t: TestContext, options: ClientOptions): GatewayClient {
  const c = new GatewayClient({ validateResults: true, ...options });
  t.after(() => c.close());
  return c;
}

function isCode(code: string, ...parts: (string | RegExp)[]) {
  return (err: unknown) => {
    assert.ok(err instanceof ClawgateError, `expected a ClawgateError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const p of parts) assert.match(err.message, typeof p === 'string' ? new RegExp(p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : p);
    return true;
  };
}

/**
 * A tiny stand-in gateway of our own: it sends the challenge and then does only what `onConnect`
 * says with the connect request (nothing, by default); later requests are never answered.
 */
function silentServer(t: TestContext, onConnect?: (ws: WebSocket, id: string) => void): Promise<string> {
  return challengeServer(t, (ws, frame) => {
    if (frame.method === 'connect') onConnect?.(ws, frame.id);
  });
}

const helloOk = (ws: WebSocket, id: string) => ws.send(JSON.stringify({ type: 'res', id, ok: true, payload: { type: 'hello-ok', protocol: 3 } }));

describe('against an in-process gateway', () => {
  const gateway = useInProcessGateway();

  test('connect caches the minted hello-ok.auth token before it resolves', async (t) => {
    const home = clientHome(t);
    const c = client(t, { url: gateway().url, gatewayToken: new Secret(gateway().token!), identity: home.identity, tokenCache: home.cache, scopes: ['operator.read'] });
    let cachedAtResolve: string | undefined;
    const hello = await c.connect().then((h) => {
      cachedAtResolve = home.cache.get('operator')?.token; // synchronously, as the promise resolves
      return h;
    });
    assert.equal(hello.type, 'hello-ok');
    assert.ok(hello.auth?.deviceToken, 'a token was minted for the auto-approved device');
    assert.equal(cachedAtResolve, hello.auth.deviceToken);
    assert.deepEqual(home.cache.get('operator')?.scopes, hello.auth.scopes);
    const result = await c.call(health);
    assert.equal(result.ok, true);
  });

  test('the next connect presents the cached token and converges: no new token, cache unchanged', async (t) => {
    const home = clientHome(t);
    const opts = { url: gateway().url, gatewayToken: new Secret(gateway().token!), identity: home.identity, tokenCache: home.cache, scopes: ['operator.read'] };
    const first = client(t, opts);
    await first.connect();
    await first.close();
    const cached = home.cache.get('operator')!;
    const second = client(t, opts);
    const hello = await second.connect();
    assert.equal(hello.auth, undefined, 'nothing minted');
    assert.deepEqual(home.cache.get('operator'), cached);
    assert.equal(gateway().store.tokens.get(home.identity.deviceId, 'operator')?.confirmedAtMs !== undefined, true, 'the token was presented back and confirmed');
  });

  test("a refused connect rejects with the gateway's stable code and writes no cache", async (t) => {
    const home = clientHome(t);
    const c = client(t, { url: gateway().url, identity: home.identity, tokenCache: home.cache, scopes: ['operator.read'] });
    await assert.rejects(c.connect(), isCode('PAIRING_REQUIRED', 'clawgate devices approve'));
    assert.equal(home.cache.get('operator'), undefined);
    await assert.rejects(c.call(health), isCode('GATEWAY_CLOSED'));
  });

  test('a gateway error response keeps its stable code', async (t) => {
    const c = client(t, { url: gateway().url, gatewayToken: new Secret(gateway().token!), scopes: ['operator.read'] });
    await c.connect();
    const unknown = defineMethod({ name: 'no.such.method', summary: 'not served', params: Type.Undefined(), result: Type.Unknown(), scope: null });
    await assert.rejects(c.call(unknown), isCode('UNKNOWN_METHOD'));
  });
});

test('a request the gateway never answers times out with GATEWAY_TIMEOUT naming the method', async (t) => {
  const url = await silentServer(t, helloOk);
  const c = client(t, { url, timeoutMs: 2_000 });
  await c.connect();
  const started = Date.now();
  await assert.rejects(c.call(health, undefined, { timeoutMs: 150 }), isCode('GATEWAY_TIMEOUT', 'gateway timeout after 150ms waiting for health'));
  assert.ok(Date.now() - started >= 140);
});

test('a handshake the gateway never answers times out with GATEWAY_TIMEOUT', async (t) => {
  const url = await silentServer(t);
  const c = client(t, { url, timeoutMs: 200 });
  await assert.rejects(c.connect(), isCode('GATEWAY_TIMEOUT', `gateway timeout after 200ms while connecting to ${url}`));
});

test('pending requests fail with GATEWAY_CLOSED (code and reason) when the gateway closes', async (t) => {
  let server: WebSocket | undefined;
  const url = await silentServer(t, (ws, id) => {
    server = ws;
    helloOk(ws, id);
  });
  const c = client(t, { url });
  await c.connect();
  const pending = c.call(health);
  server!.close(4001, 'credentials changed');
  await assert.rejects(pending, (err: unknown) => {
    isCode('GATEWAY_CLOSED', 'gateway closed (4001): credentials changed')(err);
    assert.equal((err as ClawgateError).details['closeCode'], 4001);
    return true;
  });
});

test('connection refused is GATEWAY_UNREACHABLE and names `clawgate gateway run`', async (t) => {
  const url = `ws://127.0.0.1:${await freePort()}`;
  const c = client(t, { url, timeoutMs: 2_000 });
  await assert.rejects(c.connect(), isCode('GATEWAY_UNREACHABLE', `cannot reach the gateway at ${url}: connection refused`, 'clawgate gateway run'));
});

test('a request before connect is GATEWAY_CLOSED "not connected"', async (t) => {
  const c = client(t, { url: 'ws://127.0.0.1:1' });
  await assert.rejects(c.call(health), isCode('GATEWAY_CLOSED', 'not connected'));
});

describe('result validation', () => {
  test('a result that breaks its definition is INVALID_RESULT naming the method and the field', async (t) => {
    const c = client(t, { url: await standInGateway(t, () => HEALTH_WITH_TEXT_OK), validateResults: true });
    await c.connect();
    await assert.rejects(c.call(health), (err: unknown) => {
      isCode('INVALID_RESULT', "the gateway's health result does not match its definition: /ok: Expected boolean")(err);
      assert.equal((err as ClawgateError).details['method'], 'health');
      return true;
    });
  });

  test('without validateResults the result is passed on as the gateway sent it', async (t) => {
    const c = client(t, { url: await standInGateway(t, () => HEALTH_WITH_TEXT_OK), validateResults: false });
    await c.connect();
    assert.deepEqual(await c.call(health), HEALTH_WITH_TEXT_OK);
  });

  test('each definition compiles its result validator once', () => {
    assert.equal(resultValidator(health), resultValidator(health));
  });
});
