import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Secret } from '../auth/secret.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { health } from '../protocol/methods/gateway-info.js';
import { useInProcessGateway } from '../../test/helpers/in-process.js';
import { freePort } from '../../test/helpers/gateway-process.js';
import { GatewayClient, type ClientOptions } from './gateway-client.js';
import { loadOrCreateIdentity } from './identity.js';
import { MAX_AUTH_ATTEMPTS, ReconnectingClient } from './reconnecting-client.js';

const gateway = useInProcessGateway();

function identity(t: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), 'cg-reconnect-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return loadOrCreateIdentity(join(dir, 'device.json'));
}

/** A reconnecting client whose factory counts the connection attempts it makes. */
function reconnecting(t: TestContext, options: ClientOptions, backoff = { baseMs: 20, maxMs: 200 }) {
  let made = 0;
  const rc = new ReconnectingClient(() => {
    made++;
    return new GatewayClient({ timeoutMs: 2_000, validateResults: true, ...options });
  }, backoff);
  t.after(() => rc.stop());
  return { rc, made: () => made };
}

async function terminal(rc: ReconnectingClient): Promise<ClawgateError> {
  const [err] = (await once(rc, 'terminal')) as [ClawgateError];
  return err;
}

test(`auth rejections stop with 'terminal' after MAX_AUTH_ATTEMPTS (${MAX_AUTH_ATTEMPTS}) attempts`, async (t) => {
  const { rc, made } = reconnecting(t, { url: gateway().url, gatewayToken: new Secret('wrong-token'), identity: identity(t) });
  rc.start();
  const err = await terminal(rc);
  assert.equal(err.code, 'AUTH_TOKEN_MISMATCH');
  assert.match(err.message, /gateway token mismatch/);
  assert.equal(made(), MAX_AUTH_ATTEMPTS);
  assert.deepEqual(rc.attempts.map((a) => [a.ok, a.code]), Array.from({ length: MAX_AUTH_ATTEMPTS }, () => [false, 'AUTH_TOKEN_MISMATCH']));
  await sleep(300);
  assert.equal(made(), MAX_AUTH_ATTEMPTS, 'no retry after terminal');
});

test("a pairing rejection stops with 'terminal' at once, naming the approve command", async (t) => {
  const { rc, made } = reconnecting(t, { url: gateway().url, identity: identity(t) });
  rc.start();
  const err = await terminal(rc);
  assert.equal(err.code, 'PAIRING_REQUIRED');
  assert.match(err.message, /clawgate devices approve/);
  assert.ok(made() >= 1 && made() <= MAX_AUTH_ATTEMPTS, `attempts: ${made()}`);
  assert.equal(gateway().store.pending.count(Date.now()) >= 1, true);
  await sleep(200);
  assert.ok(made() <= MAX_AUTH_ATTEMPTS, 'no blind retries');
});

test('an unreachable gateway is retried with growing, bounded backoff and never goes terminal', async (t) => {
  const url = `ws://127.0.0.1:${await freePort()}`;
  const base = 40;
  const max = 160;
  const { rc, made } = reconnecting(t, { url }, { baseMs: base, maxMs: max });
  let terminated = false;
  rc.on('terminal', () => (terminated = true));
  rc.start();
  while (rc.attempts.length < 5) await sleep(20);
  rc.stop();
  const stoppedAt = made();
  assert.equal(terminated, false);
  assert.ok(rc.attempts.every((a) => !a.ok && a.code === 'GATEWAY_UNREACHABLE'));
  const gaps = rc.attempts.slice(1).map((a, i) => a.at - rc.attempts[i]!.at);
  gaps.forEach((gap, i) => {
    const exp = Math.min(max, base * 2 ** i);
    assert.ok(gap >= exp / 2 - 5, `gap ${i} (${gap}ms) is at least half of ${exp}ms`);
    assert.ok(gap <= exp + 1_000, `gap ${i} (${gap}ms) stays bounded by ${exp}ms (plus scheduling slack)`);
  });
  await sleep(max + 100);
  assert.equal(made(), stoppedAt, 'stop() cancels the scheduled retry');
});

test("a good connect emits 'connected' and resets the failure count", async (t) => {
  const { rc } = reconnecting(t, { url: gateway().url, gatewayToken: new Secret(gateway().token!), identity: identity(t), scopes: ['operator.read'] });
  rc.start();
  const [connected] = (await once(rc, 'connected')) as [GatewayClient];
  assert.equal(connected, rc.client);
  assert.equal((await connected.call(health)).ok, true);
  assert.deepEqual(rc.attempts.map((a) => a.ok), [true]);
});
