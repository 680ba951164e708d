import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, startGateway, type RunningGateway } from '../helpers/gateway-process.js';
import { makeDevice, rawConnect, rpc } from '../helpers/raw-client.js';
import {
  cachedToken,
  cleanup,
  cliDeviceId,
  cliStateDir,
  deviceRow,
  pendingRows,
  sha256Hex,
  tokenCachePath,
  tokenRow,
  withDb,
} from '../helpers/scenario-support.js';

// Section A of scenarios.md: the device token and the client cache, against a real gateway process and
// the real CLI (dist/bundle/cli.js). Exit codes: auth 4, pairing 5 (EXIT_CODES in src/cli/main.ts).

let gw: RunningGateway;
const dirs: string[] = [];

before(async () => {
  gw = await startGateway();
});
after(async () => {
  await cleanup([gw], dirs);
});

/** An admin device connected with the gateway token (auto-approved on loopback). */
async function adminConnection() {
  const { ws, response } = await rawConnect(gw.url, { device: makeDevice(), auth: { token: gw.token! }, scopes: ['operator.admin'] });
  assert.equal(response?.ok, true, JSON.stringify(response?.error));
  return ws;
}

/**
 * The host CLI (which holds the gateway token) runs one command: it succeeds, its cache gets a fresh token
 * whose hash the store holds, and the device's pairing record is what it was before.
 */
async function convergesInOneCommand(cliId: string, devBefore: NonNullable<ReturnType<typeof deviceRow>>): Promise<void> {
  const stale = cachedToken(gw.stateDir)!;
  const run = await runCli(['health'], { stateDir: gw.stateDir });
  assert.equal(run.code, 0, run.stderr);
  const fresh = cachedToken(gw.stateDir)!;
  assert.notEqual(fresh, stale);
  assert.equal(sha256Hex(fresh), tokenRow(gw.stateDir, cliId)!.token_hash);
  const devAfter = deviceRow(gw.stateDir, cliId)!;
  for (const key of ['device_id', 'public_key', 'roles', 'approved_scopes', 'created_at_ms', 'approved_at_ms'] as const) {
    assert.equal(devAfter[key], devBefore[key], `device record ${key} untouched`);
  }
}

describe('DT-CACHE-WIPE', () => {
  let cliId: string;

  before(async () => {
    const first = await runCli(['health'], { stateDir: gw.stateDir });
    assert.equal(first.code, 0, first.stderr);
    cliId = cliDeviceId(gw.stateDir);
    const token = cachedToken(gw.stateDir);
    assert.ok(token, 'the CLI cached a device token when it auto-paired');
    assert.equal(sha256Hex(token), tokenRow(gw.stateDir, cliId)!.token_hash);
  });

  test('DT-CACHE-WIPE: rotated by another admin client over RPC, the next CLI command succeeds in one invocation with a new token', async () => {
    const before = cachedToken(gw.stateDir)!;
    const ws = await adminConnection();
    const rotated = await rpc(ws, 'device.token.rotate', { deviceId: cliId, role: 'operator' });
    ws.close();
    assert.equal(rotated.ok, true, JSON.stringify(rotated.error));
    assert.equal(rotated.payload.delivery, 'next-connect');
    assert.equal(rotated.payload.token, undefined);
    assert.equal(tokenRow(gw.stateDir, cliId)!.token_hash, null, 'the old token hash is gone at once');
    // The CLI holds the gateway token: one invocation converges, and no request is left behind.

    const run = await runCli(['health'], { stateDir: gw.stateDir });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^OK \(\d+ms\): gateway healthy/);
    const after = cachedToken(gw.stateDir)!;
    assert.notEqual(after, before, 'the cache holds a NEW token');
    const row = tokenRow(gw.stateDir, cliId)!;
    assert.equal(sha256Hex(after).slice(0, 16), row.token_hash!.slice(0, 16));
    assert.equal(pendingRows(gw.stateDir).length, 0);
  });

  test('DT-CACHE-WIPE: rotated over RPC, a CLI without the gateway token is refused as rotated (exit 5, cache untouched, one stable request); approved, it converges', async () => {
    const noToken = cliStateDir(gw, { copyIdentityFrom: gw.stateDir });
    dirs.push(noToken);
    const devBefore = deviceRow(gw.stateDir, cliId)!;
    const ws = await adminConnection();
    const rotated = await rpc(ws, 'device.token.rotate', { deviceId: cliId, role: 'operator' });
    ws.close();
    assert.equal(rotated.ok, true, JSON.stringify(rotated.error));

    const cacheBytes = readFileSync(tokenCachePath(noToken));
    const denied = await runCli(['health'], { stateDir: noToken });
    assert.equal(denied.code, 5, `${denied.stdout}\n${denied.stderr}`);
    assert.match(denied.stderr, /^error: device token rotated at \d{4}-\d\d-\d\dT[\d:.]+Z: the operator token this device presented/);
    const short = /clawgate devices approve ([0-9a-f]{8}), or connect once with the gateway token/.exec(denied.stderr)?.[1];
    assert.ok(short, `the error names the approve command and the gateway-token fix: ${denied.stderr}`);
    assert.ok(readFileSync(tokenCachePath(noToken)).equals(cacheBytes), 'the cache file is byte-for-byte unchanged');
    // A retry names the same request: one stable request, nothing re-minted.
    const retry = await runCli(['health'], { stateDir: noToken });
    assert.equal(retry.code, 5, retry.stderr);
    assert.ok(retry.stderr.includes(`clawgate devices approve ${short}`), retry.stderr);
    assert.deepEqual(pendingRows(gw.stateDir).map((p) => [p.device_id, p.request_id.slice(0, 8)]), [[cliId, short]]);
    assert.equal(tokenRow(gw.stateDir, cliId)!.token_hash, null, 'no token minted for the rotated cache');

    // The owner approves from another admin client (the host CLI here shares this device's identity).
    const owner = await adminConnection();
    const approved = await rpc(owner, 'device.pair.approve', { requestId: short });
    owner.close();
    assert.equal(approved.ok, true, JSON.stringify(approved.error));
    const run = await runCli(['health'], { stateDir: noToken });
    assert.equal(run.code, 0, run.stderr);
    const fresh = cachedToken(noToken)!;
    assert.equal(sha256Hex(fresh), tokenRow(gw.stateDir, cliId)!.token_hash);
    const devAfter = deviceRow(gw.stateDir, cliId)!;
    for (const key of ['device_id', 'public_key', 'roles', 'approved_scopes', 'created_at_ms'] as const) {
      assert.equal(devAfter[key], devBefore[key], `device record ${key} kept by the approval`);
    }
    // The host CLI (gateway token available) converges from its now stale cache in one invocation too.
    const host = await runCli(['health'], { stateDir: gw.stateDir });
    assert.equal(host.code, 0, host.stderr);
    assert.equal(sha256Hex(cachedToken(gw.stateDir)!), tokenRow(gw.stateDir, cliId)!.token_hash);
  });

  test("DT-CACHE-WIPE: rotated through the CLI's store fallback, the old token is refused without the gateway token and converges with it", async () => {
    const noToken = cliStateDir(gw, { copyIdentityFrom: gw.stateDir });
    dirs.push(noToken);
    const devBefore = deviceRow(gw.stateDir, cliId)!;
    // A wrong --token makes the gateway refuse the RPC path: the CLI acts on the store directly and says so.
    const rotate = await runCli(['--token', 'a-wrong-gateway-token-0123456789abcdef', 'devices', 'rotate', '--device', cliId.slice(0, 12), '--role', 'operator'], { stateDir: gw.stateDir });
    assert.equal(rotate.code, 0, rotate.stderr);
    assert.match(rotate.stderr, /acting on the store directly/);

    const cacheBytes = readFileSync(tokenCachePath(noToken));
    const denied = await runCli(['health'], { stateDir: noToken });
    assert.equal(denied.code, 5, denied.stderr);
    assert.match(denied.stderr, /^error: device token rotated at /);
    assert.ok(readFileSync(tokenCachePath(noToken)).equals(cacheBytes), 'the cache is not deleted');

    await convergesInOneCommand(cliId, devBefore);
    // The stable request the refused copy made is still waiting; the owner rejects it (from another admin client:
    // the host CLI shares this device's identity), which leaves the store clean for the next test.
    const owner = await adminConnection();
    for (const p of pendingRows(gw.stateDir)) assert.equal((await rpc(owner, 'device.pair.reject', { requestId: p.request_id })).ok, true);
    owner.close();
  });

  test('DT-CACHE-WIPE: a token replaced in the store: without a gateway token exit 4 with the fix and an untouched cache; with it, one invocation converges', async () => {
    const devBefore = deviceRow(gw.stateDir, cliId)!;
    // Out of band: the store now holds the hash of some other, confirmed token.
    withDb(gw.stateDir, (db) => db.prepare('UPDATE device_tokens SET token_hash = ?, confirmed_at_ms = ? WHERE device_id = ? AND role = ?').run(sha256Hex('some-other-token'), Date.now(), cliId, 'operator'), { write: true });

    const noToken = cliStateDir(gw, { copyIdentityFrom: gw.stateDir });
    dirs.push(noToken);
    const cacheBytes = readFileSync(tokenCachePath(noToken));
    const denied = await runCli(['health'], { stateDir: noToken });
    assert.equal(denied.code, 4, `${denied.stdout}\n${denied.stderr}`);
    assert.match(denied.stderr, /^error: unauthorized: device token mismatch \(rotate\/reissue device token\)/);
    assert.match(denied.stderr, new RegExp(`connect once with the gateway token to get a fresh one, or on the gateway host run clawgate devices revoke --device ${cliId.slice(0, 12)} --role operator`));
    assert.ok(readFileSync(tokenCachePath(noToken)).equals(cacheBytes), 'the cache file is byte-for-byte unchanged');
    assert.equal(pendingRows(gw.stateDir).length, 0, 'a token failure creates no pairing request');

    await convergesInOneCommand(cliId, devBefore);
    assert.equal(pendingRows(gw.stateDir).length, 0);
  });
});

describe('DT-SPLIT-STORE', () => {
  test('DT-SPLIT-STORE: approved while offline, the device reconnects and its cache and the store agree', async () => {
    const device = makeDevice();
    const first = await rawConnect(gw.url, { device, scopes: ['operator.read', 'operator.pairing'] });
    assert.equal(first.response?.error.details.code, 'PAIRING_REQUIRED');
    const requestId: string = first.response!.error.details.requestId;
    await first.closed; // offline from here

    const approve = await runCli(['devices', 'approve', requestId.slice(0, 8)], { stateDir: gw.stateDir });
    assert.equal(approve.code, 0, approve.stderr);
    assert.equal(approve.stdout.trim(), `Approved ${device.deviceId} (${requestId}); it receives its device token on its next connect`);
    assert.equal(tokenRow(gw.stateDir, device.deviceId)!.token_hash, null, 'issued, waiting for delivery');

    const again = await rawConnect(gw.url, { device, scopes: ['operator.read', 'operator.pairing'] });
    assert.equal(again.response?.ok, true, JSON.stringify(again.response?.error));
    const auth = again.response!.payload.auth;
    assert.match(auth.deviceToken, /^[A-Za-z0-9_-]{43}$/);
    const row = tokenRow(gw.stateDir, device.deviceId)!;
    assert.equal(sha256Hex(auth.deviceToken).slice(0, 16), row.token_hash!.slice(0, 16));
    const approved = JSON.parse(deviceRow(gw.stateDir, device.deviceId)!.approved_scopes) as string[];
    assert.deepEqual([...auth.scopes].sort(), approved);
    assert.deepEqual(JSON.parse(row.scopes), approved);
    assert.deepEqual(approved, ['operator.pairing', 'operator.read']);
    again.ws.close();

    // The delivered token works on its own (no gateway token) and is then confirmed.
    const third = await rawConnect(gw.url, { device, scopes: ['operator.read'], auth: { deviceToken: auth.deviceToken } });
    assert.equal(third.response?.ok, true, JSON.stringify(third.response?.error));
    assert.equal(third.response!.payload.auth, undefined, 'no new token while the cache is current');
    assert.notEqual(tokenRow(gw.stateDir, device.deviceId)!.confirmed_at_ms, null);
    third.ws.close();
  });

  function assertCacheSound(stateDir: string, previous: Buffer | undefined): void {
    const path = tokenCachePath(stateDir);
    if (previous === undefined) assert.equal(existsSync(path), false, 'no cache file appears from a crashed write');
    else assert.ok(readFileSync(path).equals(previous), 'the previous cache is intact');
    // Whatever the crash left behind is complete: no empty or half-written file anywhere in identity/.
    for (const name of readdirSync(join(stateDir, 'identity'))) {
      const text = readFileSync(join(stateDir, 'identity', name), 'utf8');
      assert.ok(text.length > 0, `${name} is not empty`);
      assert.doesNotThrow(() => JSON.parse(text), `${name} is whole JSON`);
    }
  }

  test('DT-SPLIT-STORE: a crash between hello-ok and the cache rename never leaves a broken cache, and the next run converges', async () => {
    // A CLI on its own state dir with the gateway's port and no gateway token: only its device key proves anything.
    const dir = cliStateDir(gw);
    dirs.push(dir);
    const crash = { CLAWGATE_TEST_CRASH_AT: 'token-cache-write' };
    const pending = await runCli(['health'], { stateDir: dir });
    assert.equal(pending.code, 5, pending.stderr);
    const id = cliDeviceId(dir);
    const request = pendingRows(gw.stateDir).find((p) => p.device_id === id)!;
    const approve = await runCli(['devices', 'approve', request.request_id.slice(0, 8)], { stateDir: gw.stateDir });
    assert.equal(approve.code, 0, approve.stderr);

    // First delivery crashes after the temp file is durable, before the rename: no cache file at all.
    const crashed = await runCli(['health'], { stateDir: dir, env: crash });
    assert.equal(crashed.code, null, `the process was killed: ${crashed.stderr}`);
    assertCacheSound(dir, undefined);
    assert.notEqual(tokenRow(gw.stateDir, id)!.token_hash, null, 'the gateway minted a token the client never cached');

    const converged = await runCli(['health'], { stateDir: dir });
    assert.equal(converged.code, 0, converged.stderr);
    const token = cachedToken(dir)!;
    assert.ok(token, 'the next run wrote the cache');
    assert.equal(sha256Hex(token), tokenRow(gw.stateDir, id)!.token_hash);

    // A later delivery (a rotation, then the owner approves the request it leads to) crashes: the previous
    // cache is still there, byte for byte.
    const previous = readFileSync(tokenCachePath(dir));
    const ws = await adminConnection();
    assert.equal((await rpc(ws, 'device.token.rotate', { deviceId: id, role: 'operator' })).ok, true);
    ws.close();
    const refused = await runCli(['health'], { stateDir: dir });
    assert.equal(refused.code, 5, refused.stderr);
    const again = pendingRows(gw.stateDir).find((p) => p.device_id === id)!;
    assert.equal((await runCli(['devices', 'approve', again.request_id.slice(0, 8)], { stateDir: gw.stateDir })).code, 0);
    const crashedAgain = await runCli(['health'], { stateDir: dir, env: crash });
    assert.equal(crashedAgain.code, null, `the process was killed: ${crashedAgain.stderr}`);
    assertCacheSound(dir, previous);

    const convergedAgain = await runCli(['health'], { stateDir: dir });
    assert.equal(convergedAgain.code, 0, convergedAgain.stderr);
    const fresh = cachedToken(dir)!;
    assert.notEqual(fresh, token);
    assert.equal(sha256Hex(fresh), tokenRow(gw.stateDir, id)!.token_hash);
    assert.equal(pendingRows(gw.stateDir).length, 0);
  });
});
