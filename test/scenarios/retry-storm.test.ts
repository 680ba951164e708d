import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Secret } from '../../src/auth/secret.js';
import { GatewayClient, type CallArgs, type ClientOptions } from '../../src/client/gateway-client.js';
import { loadOrCreateIdentity } from '../../src/client/identity.js';
import { MAX_AUTH_ATTEMPTS, ReconnectingClient } from '../../src/client/reconnecting-client.js';
import { TokenCache } from '../../src/client/token-cache.js';
import type { ClawgateError } from '../../src/protocol/error-catalogue.js';
import type { MethodDef, ResultOf } from '../../src/protocol/methods/define.js';
import { deviceTokenRevoke } from '../../src/protocol/methods/device-token.js';
import { health } from '../../src/protocol/methods/gateway-info.js';
import { randomToken, runCli, startGateway, type RunningGateway } from '../helpers/gateway-process.js';
import { auditRows, cleanup, pendingRows, tempDir } from '../helpers/scenario-support.js';

// DT-RETRY-STORM (scenarios.md A): a long-lived client whose device token was revoked, with auto-reconnect
// on. It makes at most MAX_AUTH_ATTEMPTS (2) attempts, then stops with a 'terminal' error naming the command
// to run; the gateway's failure records for other clients are untouched and they still connect.
//
// The scenario watches for 60 s. The backoff here is shrunk (base 10 ms, max 100 ms) so that the watch
// window below holds more retries than 60 s at the default backoff would (500 ms doubling to 30 s: about
// eight in 60 s): a client that kept retrying would show it here many times over.

const BACKOFF = { baseMs: 10, maxMs: 100 };
const WATCH_MS = 3_000;

let gw: RunningGateway;
const dirs: string[] = [];
before(async () => {
  gw = await startGateway();
});
after(() => cleanup([gw], dirs));

/** A device identity and token cache in a temp dir, like a client host's identity/. */
function deviceFiles() {
  const dir = tempDir('cg-storm-');
  dirs.push(dir);
  const identity = loadOrCreateIdentity(join(dir, 'device.json'));
  return { identity, tokenCache: new TokenCache(join(dir, 'device-auth.json'), identity.deviceId) };
}

/** Pair a device the way the CLI on the gateway host does: one connect with the gateway token (auto-approved, token cached). */
async function pairWithGatewayToken(files: ReturnType<typeof deviceFiles>): Promise<void> {
  const c = new GatewayClient({ url: gw.url, gatewayToken: new Secret(gw.token!), ...files, scopes: ['operator.read'] });
  const hello = await c.connect();
  assert.ok(hello.auth?.deviceToken, 'a device token was minted and cached');
  await c.close();
}

async function admin<M extends MethodDef>(def: M, ...args: CallArgs<M>): Promise<ResultOf<M>> {
  const c = new GatewayClient({ url: gw.url, gatewayToken: new Secret(gw.token!), scopes: ['operator.admin'], validateResults: true });
  await c.connect();
  try {
    return await c.call(def, ...args);
  } finally {
    await c.close();
  }
}

/** A reconnecting client whose factory counts every connection attempt. */
function reconnecting(options: ClientOptions) {
  let made = 0;
  const rc = new ReconnectingClient(() => {
    made++;
    return new GatewayClient({ timeoutMs: 2_000, ...options });
  }, BACKOFF);
  return { rc, made: () => made };
}

/** Clients other than the stormy one connect as before: by device token alone, and device-less with the gateway token. */
async function othersStillConnect(other: ReturnType<typeof deviceFiles>): Promise<void> {
  const byDeviceToken = new GatewayClient({ url: gw.url, ...other, scopes: ['operator.read'] });
  const hello = await byDeviceToken.connect();
  assert.equal(hello.auth, undefined, 'it passed with its cached device token (nothing re-minted)');
  await byDeviceToken.close();
  const bySharedSecret = new GatewayClient({ url: gw.url, gatewayToken: new Secret(gw.token!), scopes: ['operator.read'], validateResults: true });
  await bySharedSecret.connect();
  assert.equal((await bySharedSecret.call(health)).ok, true);
  await bySharedSecret.close();
}

describe('DT-RETRY-STORM', () => {
  test('DT-RETRY-STORM: a revoked device stops after at most 2 attempts with the approve command; other clients are untouched', async () => {
    const stormy = deviceFiles();
    const other = deviceFiles();
    await pairWithGatewayToken(stormy);
    await pairWithGatewayToken(other);

    // The stormy client holds only its device token (a remote host's client has no gateway token).
    const { rc, made } = reconnecting({ url: gw.url, ...stormy, scopes: ['operator.read'] });
    const connected = once(rc, 'connected');
    rc.start();
    await connected;
    assert.equal(made(), 1);
    const failedBefore = auditRows(gw.stateDir, ['auth.failed']);

    const disconnected = once(rc, 'disconnected') as Promise<[number, string]>;
    const terminal = once(rc, 'terminal') as Promise<[ClawgateError]>;
    await admin(deviceTokenRevoke, { deviceId: stormy.identity.deviceId, role: 'operator' });
    const [code, reason] = await disconnected;
    assert.equal(code, 4001, `closed for a credentials change: ${reason}`);
    const [err] = await terminal;
    const afterRevoke = made() - 1;
    assert.ok(afterRevoke >= 1 && afterRevoke <= MAX_AUTH_ATTEMPTS, `attempts after the revocation: ${afterRevoke}`);
    assert.equal(err.code, 'DEVICE_TOKEN_REVOKED', 'refused as revoked, not as a role upgrade');
    const short = /clawgate devices approve ([0-9a-f]{8})/.exec(err.message)?.[1];
    assert.ok(short, `the terminal error names the command to run: ${err.message}`);

    await sleep(WATCH_MS);
    assert.equal(made() - 1, afterRevoke, `no attempt after 'terminal' in ${WATCH_MS}ms`);
    const pending = pendingRows(gw.stateDir).filter((p) => p.device_id === stormy.identity.deviceId);
    assert.equal(pending.length, 1, 'one pending request, not one per attempt');
    assert.equal(pending[0]!.request_id.slice(0, 8), short, 'the command names that request');
    assert.equal(auditRows(gw.stateDir, ['pairing.requested'], stormy.identity.deviceId).length, 1);
    assert.deepEqual(auditRows(gw.stateDir, ['auth.failed']), failedBefore, 'no auth failure was recorded, for anyone');

    await othersStillConnect(other);

    // The named command works, and the same client converges on its next start.
    const approve = await runCli(['devices', 'approve', short], { stateDir: gw.stateDir });
    assert.equal(approve.code, 0, approve.stderr);
    const again = reconnecting({ url: gw.url, ...stormy, scopes: ['operator.read'] });
    const reconnected = once(again.rc, 'connected') as Promise<[GatewayClient]>;
    again.rc.start();
    try {
      const [client] = await reconnected;
      assert.ok(client.hello?.auth?.deviceToken, 'a new token was delivered on the first connect after approval');
      assert.equal(again.made(), 1);
    } finally {
      again.rc.stop();
    }
  });

  test('DT-RETRY-STORM: an auth rejection (stale gateway token) is tried at most twice; only its own failures are recorded', async () => {
    const stormy = deviceFiles();
    const other = deviceFiles();
    await pairWithGatewayToken(other);
    const failedBefore = auditRows(gw.stateDir, ['auth.failed']).length;

    const { rc, made } = reconnecting({ url: gw.url, ...stormy, gatewayToken: new Secret(randomToken()), scopes: ['operator.read'] });
    const terminal = once(rc, 'terminal') as Promise<[ClawgateError]>;
    rc.start();
    const [err] = await terminal;
    assert.equal(err.code, 'AUTH_TOKEN_MISMATCH');
    assert.match(err.message, /gateway token mismatch/);
    assert.equal(made(), MAX_AUTH_ATTEMPTS);
    await sleep(WATCH_MS);
    assert.equal(made(), MAX_AUTH_ATTEMPTS, `no attempt after 'terminal' in ${WATCH_MS}ms`);

    const failed = auditRows(gw.stateDir, ['auth.failed']).slice(failedBefore);
    assert.deepEqual(failed.map((r) => r.reason), Array.from({ length: MAX_AUTH_ATTEMPTS }, () => 'AUTH_TOKEN_MISMATCH'), 'one failure per attempt, no more');
    assert.equal(pendingRows(gw.stateDir).filter((p) => p.device_id === stormy.identity.deviceId).length, 0, 'a rejected token creates no pending request');
    await othersStillConnect(other);
  });
});
