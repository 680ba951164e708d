import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fingerprintOf } from '../../src/auth/secret.js';
import { randomToken, runCli, startGateway, type RunningGateway } from '../helpers/gateway-process.js';
import { makeDevice, rawConnect, type ConnectSpec } from '../helpers/raw-client.js';
import { auditRows, cleanup, cliDeviceId, cliStateDir, deviceRows, pendingRows, sha256Hex, tokenRow } from '../helpers/scenario-support.js';

// Section C of scenarios.md: deadlocks, against a real gateway process (auto-approval of remote clients off)
// and the real CLI. Exit codes (src/cli/main.ts EXIT_CODES): config 2, auth 4, pairing 5.

let gw: RunningGateway;
const dirs: string[] = [];
const REMOTE = { 'X-Forwarded-For': '198.51.100.20' };

before(async () => {
  gw = await startGateway();
});
after(async () => {
  await cleanup([gw], dirs);
});

/** A remote-looking client asks to pair: pending, with the request id. */
async function remotePairingRequest(spec: ConnectSpec = {}): Promise<string> {
  const { response, closed } = await rawConnect(gw.url, { headers: REMOTE, scopes: ['operator.read'], ...spec });
  assert.equal(response?.error?.details?.code, 'PAIRING_REQUIRED', JSON.stringify(response));
  await closed;
  return response!.error.details.requestId as string;
}

describe('PD-BOOTSTRAP-DEADLOCK', () => {
  test('PD-BOOTSTRAP-DEADLOCK: empty state dir, a remote client asks to pair, the host CLI approves it, the client connects, the store holds that record', async () => {
    assert.deepEqual(deviceRows(gw.stateDir), [], 'no paired device');
    const device = makeDevice();
    const requestId = await remotePairingRequest({ device });
    const pending = pendingRows(gw.stateDir);
    assert.deepEqual(pending.map((p) => [p.request_id, p.device_id, p.remote_ip]), [[requestId, device.deviceId, '127.0.0.1']]);

    const approve = await runCli(['devices', 'approve', requestId.slice(0, 8)], { stateDir: gw.stateDir });
    assert.equal(approve.code, 0, approve.stderr);
    assert.equal(approve.stdout.trim(), `Approved ${device.deviceId} (${requestId}); it receives its device token on its next connect`);
    assert.equal(approve.stderr, '', 'the RPC path worked: no fallback note');

    const { ws, response } = await rawConnect(gw.url, { device, headers: REMOTE, scopes: ['operator.read'] });
    assert.equal(response?.ok, true, JSON.stringify(response?.error));
    assert.equal(sha256Hex(response!.payload.auth.deviceToken), tokenRow(gw.stateDir, device.deviceId)!.token_hash);
    ws.close();

    // Exactly that record, plus the CLI's own (it paired itself over loopback with the gateway token).
    assert.deepEqual(deviceRows(gw.stateDir).map((d) => d.device_id).sort(), [device.deviceId, cliDeviceId(gw.stateDir)].sort());
    assert.deepEqual(JSON.parse(deviceRows(gw.stateDir).find((d) => d.device_id === device.deviceId)!.approved_scopes), ['operator.read']);
    assert.deepEqual(pendingRows(gw.stateDir), []);
  });

  test('PD-BOOTSTRAP-DEADLOCK: a CLI on a different state dir says which state dir it looks at and that the gateway owns another, and asks nothing of the gateway', async () => {
    const other = cliStateDir(gw, { token: gw.token });
    dirs.push(other);
    const pendingBefore = pendingRows(gw.stateDir).length;
    const auditBefore = auditRows(gw.stateDir).length;
    const res = await runCli(['devices', 'list'], { stateDir: other });
    assert.equal(res.code, 2, `${res.stdout}\n${res.stderr}`);
    const health = (await (await fetch(`http://127.0.0.1:${gw.port}/healthz`)).json()) as { stateDirId: string };
    const ours = realpathSync(other);
    assert.match(res.stderr, new RegExp(`^error: this CLI looks at state dir ${ours} \\(id [0-9a-f]{16}\\), but the gateway on 127\\.0\\.0\\.1:${gw.port} owns another state dir \\(id ${health.stateDirId}\\); run with the gateway's CLAWGATE_STATE_DIR or --profile\\n$`));
    assert.equal(pendingRows(gw.stateDir).length, pendingBefore, 'no pending request on the gateway');
    assert.equal(auditRows(gw.stateDir).length, auditBefore, 'the gateway saw nothing');
  });

  test('PD-BOOTSTRAP-DEADLOCK: with its own access broken (wrong gateway token), devices approve still works on the store, says so, and the running gateway honours it', async () => {
    const configPath = join(gw.stateDir, 'clawgate.json');
    const original = readFileSync(configPath);
    try {
      writeFileSync(configPath, JSON.stringify({ gateway: { port: gw.port, auth: { mode: 'token', token: randomToken() } } }), { mode: 0o600 });
      const health = await runCli(['health'], { stateDir: gw.stateDir });
      assert.equal(health.code, 4, 'the gateway refuses this CLI');
      // In this CLI's own terms (outside-findings rule 8): the source it used, never OpenClaw's gateway.remote.token.
      assert.match(health.stderr, /^error: the gateway refused the gateway token from gateway\.auth\.token in .*clawgate\.json \(sha256:[0-9a-f]+\): it is not the gateway's token; set gateway\.auth\.token in .*clawgate\.json to the gateway's token/);
      assert.doesNotMatch(health.stderr, /gateway\.remote\.token/);
      const viaEnv = await runCli(['health'], { stateDir: gw.stateDir, env: { CLAWGATE_GATEWAY_TOKEN: randomToken() } });
      assert.match(viaEnv.stderr, /^error: the gateway refused the gateway token from CLAWGATE_GATEWAY_TOKEN \(sha256:[0-9a-f]+\).*set CLAWGATE_GATEWAY_TOKEN to the gateway's token, or unset it/);
      const viaFlag = await runCli(['health', '--token', randomToken()], { stateDir: gw.stateDir });
      assert.match(viaFlag.stderr, /^error: the gateway refused the gateway token from --token \(sha256:[0-9a-f]+\).*--profile NAME/);

      const device = makeDevice();
      const requestId = await remotePairingRequest({ device });
      const approve = await runCli(['devices', 'approve', requestId.slice(0, 8)], { stateDir: gw.stateDir });
      assert.equal(approve.code, 0, approve.stderr);
      assert.equal(
        approve.stderr,
        `note: the gateway refused this CLI (AUTH_TOKEN_MISMATCH: the gateway refused the gateway token from gateway.auth.token in ${join(realpathSync(gw.stateDir), 'clawgate.json')} (${fingerprintOf(JSON.parse(readFileSync(configPath, 'utf8')).gateway.auth.token)}): it is not the gateway's token); acting on the store directly (${join(gw.stateDir, 'state.db')})\n`,
      );
      assert.equal(approve.stdout.trim(), `Approved ${device.deviceId} (${requestId}); it receives its device token on its next connect`);
      assert.deepEqual(auditRows(gw.stateDir, ['pairing.approved'], device.deviceId).map((a) => a.actor), ['cli-local']);

      // The store is the only truth: the running gateway accepts the device at once.
      const { ws, response } = await rawConnect(gw.url, { device, headers: REMOTE, scopes: ['operator.read'] });
      assert.equal(response?.ok, true, JSON.stringify(response?.error));
      assert.match(response!.payload.auth.deviceToken, /^[A-Za-z0-9_-]{43}$/);
      ws.close();

      // Listing works the same way.
      const list = await runCli(['devices', 'list', '--json'], { stateDir: gw.stateDir });
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stderr, /^note: the gateway refused this CLI \(AUTH_TOKEN_MISMATCH/);
      assert.ok((JSON.parse(list.stdout) as { paired: { deviceId: string }[] }).paired.some((d) => d.deviceId === device.deviceId));
    } finally {
      writeFileSync(configPath, original, { mode: 0o600 });
    }
  });
});

describe('PD-OPAQUE-CLOSE', () => {
  test('PD-OPAQUE-CLOSE: every pairing or auth rejection is an error response first, then a close with code and reason', async () => {
    // A paired device whose token is confirmed (used once), for the device-token rejections.
    const paired = makeDevice();
    const first = await rawConnect(gw.url, { device: paired, auth: { token: gw.token! }, scopes: ['operator.read'] });
    assert.equal(first.response?.ok, true);
    first.ws.close();
    const used = await rawConnect(gw.url, { device: paired, auth: { deviceToken: first.response!.payload.auth.deviceToken }, scopes: ['operator.read'] });
    assert.equal(used.response?.ok, true);
    used.ws.close();
    const short = paired.deviceId.slice(0, 12);

    const cases: { name: string; spec: ConnectSpec; wire: string; code: string; reason: string | RegExp }[] = [
      { name: 'no device, no token', spec: {}, wire: 'NOT_PAIRED', code: 'DEVICE_IDENTITY_REQUIRED', reason: 'device identity required' },
      {
        name: 'no device, wrong token',
        spec: { auth: { token: 'wrong' }, clientMode: 'cli' },
        wire: 'INVALID_REQUEST',
        code: 'AUTH_TOKEN_MISMATCH',
        reason: 'unauthorized: gateway token mismatch (set gateway.remote.token to match gateway.auth.token)',
      },
      { name: 'device, wrong gateway token', spec: { device: makeDevice(), auth: { token: 'wrong' } }, wire: 'INVALID_REQUEST', code: 'AUTH_TOKEN_MISMATCH', reason: 'unauthorized: gateway token mismatch (provide gateway auth token)' },
      { name: 'bad signature', spec: { device: makeDevice(), tamper: (p) => ((p as { scopes: string[] }).scopes = ['operator.admin']) }, wire: 'INVALID_REQUEST', code: 'DEVICE_AUTH_INVALID', reason: 'device signature invalid' },
      { name: 'not paired', spec: { device: makeDevice() }, wire: 'NOT_PAIRED', code: 'PAIRING_REQUIRED', reason: /^pairing required: run clawgate devices approve [0-9a-f]{8}$/ },
      { name: 'browser asking role node', spec: { device: makeDevice(), role: 'node', headers: { Origin: `http://127.0.0.1:${gw.port}` } }, wire: 'NOT_PAIRED', code: 'PAIRING_REFUSED', reason: 'pairing refused (not-paired): a browser page cannot take role "node"' },
      { name: 'origin not allowed', spec: { device: makeDevice(), headers: { Origin: 'https://evil.example' } }, wire: 'INVALID_REQUEST', code: 'ORIGIN_NOT_ALLOWED', reason: 'origin not allowed' },
      { name: 'device token mismatch', spec: { device: paired, auth: { deviceToken: randomToken() }, scopes: ['operator.read'] }, wire: 'INVALID_REQUEST', code: 'AUTH_DEVICE_TOKEN_MISMATCH', reason: 'unauthorized: device token mismatch (rotate/reissue device token)' },
      { name: 'device token missing', spec: { device: paired, scopes: ['operator.read'] }, wire: 'INVALID_REQUEST', code: 'AUTH_TOKEN_MISSING', reason: `unauthorized: device token missing (device ${short} is paired but sent no token)` },
    ];
    for (const c of cases) {
      const { response, closed, frames } = await rawConnect(gw.url, c.spec);
      assert.ok(response, `${c.name}: an error response arrived before the close`);
      assert.equal(response.ok, false, c.name);
      assert.equal(response.error.code, c.wire, c.name);
      assert.equal(response.error.details.code, c.code, c.name);
      assert.ok(response.error.message.length > 0, c.name);
      const close = await closed;
      assert.equal(close.code, 1008, `${c.name}: ${JSON.stringify(close)}`);
      if (typeof c.reason === 'string') assert.equal(close.reason, c.reason, c.name);
      else assert.match(close.reason, c.reason, c.name);
      assert.ok(Buffer.byteLength(close.reason) <= 123, `${c.name}: the reason fits a close frame`);
      assert.deepEqual(frames, [], `${c.name}: nothing after the error but the close`);
    }
    // The device-token errors name the next command in the response.
    const mismatch = await rawConnect(gw.url, cases[7]!.spec);
    assert.equal(
      mismatch.response!.error.message,
      `unauthorized: device token mismatch (rotate/reissue device token); the presented token is not one this gateway issued to device ${short} (or it was retired too long ago to be remembered); connect once with the gateway token to get a fresh one, or on the gateway host run clawgate devices revoke --device ${short} --role operator, then approve the request this device makes on its next connect`,
    );
  });

  test('PD-OPAQUE-CLOSE: the CLI whose own device needs pairing prints the request id and the exact approve command, and exits 5', async () => {
    const dir = cliStateDir(gw); // the gateway's port, no gateway token
    dirs.push(dir);
    const res = await runCli(['health'], { stateDir: dir });
    assert.equal(res.code, 5, `${res.stdout}\n${res.stderr}`);
    const id = cliDeviceId(dir);
    const request = pendingRows(gw.stateDir).find((p) => p.device_id === id);
    assert.ok(request, 'the CLI device has a pending request');
    const short = request.request_id.slice(0, 8);
    assert.equal(res.stderr, `error: pairing required (request ${request.request_id}, not-paired): on the gateway host run clawgate devices approve ${short}\n`);
    assert.equal(res.stdout, '');

    // The printed command, run on the host, is all it takes.
    const approve = await runCli(['devices', 'approve', short], { stateDir: gw.stateDir });
    assert.equal(approve.code, 0, approve.stderr);
    const again = await runCli(['health'], { stateDir: dir });
    assert.equal(again.code, 0, again.stderr);
  });
});
