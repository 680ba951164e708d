import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomToken, runCli, startGateway, type RunningGateway } from '../helpers/gateway-process.js';
import { makeDevice, rawConnect, rpc } from '../helpers/raw-client.js';
import { auditRows, cleanup, cliDeviceId, deviceRow, pendingRows } from '../helpers/scenario-support.js';

// Section G of scenarios.md: locality, against a real gateway process bound to all interfaces.

let gw: RunningGateway;

before(async () => {
  const token = randomToken();
  gw = await startGateway({ token, config: { gateway: { bind: 'lan', auth: { mode: 'token', token } } } });
});
after(async () => {
  await cleanup([gw], []);
});

describe('NL-SELF-DIAL-LAN', () => {
  test('NL-SELF-DIAL-LAN: bound to 0.0.0.0, every CLI command on the host connects over loopback and needs no pairing request', async () => {
    for (const args of [['health'], ['status', '--json'], ['devices', 'list', '--json'], ['status'], ['devices', 'list']]) {
      const res = await runCli(args, { stateDir: gw.stateDir });
      assert.equal(res.code, 0, `${args.join(' ')}: ${res.stdout}\n${res.stderr}`);
      assert.equal(res.stderr, '', `${args.join(' ')}: no note, no fallback`);
      if (args[0] === 'status' && args[1] === '--json') {
        const doc = JSON.parse(res.stdout);
        assert.equal(doc.url, `ws://127.0.0.1:${gw.port}`, 'the CLI dials loopback, not the bind address');
        assert.deepEqual(doc.gateway.bind, { mode: 'lan', host: '0.0.0.0', port: gw.port });
        assert.deepEqual(doc.findings, []);
      }
      assert.deepEqual(pendingRows(gw.stateDir), [], `${args.join(' ')}: zero pending requests`);
    }
    const id = cliDeviceId(gw.stateDir);
    assert.deepEqual(auditRows(gw.stateDir, ['pairing.requested']), [], 'no pairing request was ever created');
    assert.ok(auditRows(gw.stateDir, ['pairing.auto-approved'], id).length >= 1, 'the CLI was approved as loopback-direct with the token');
    assert.equal(deviceRow(gw.stateDir, id)!.remote_ip, null, 'seen as a loopback-direct client');
  });
});

describe('NL-PROXY-LOCALITY', () => {
  for (const [name, headers] of [
    ['X-Forwarded-For', { 'X-Forwarded-For': '203.0.113.9' }],
    ['X-Real-IP', { 'X-Real-IP': '203.0.113.9' }],
    ['Forwarded', { Forwarded: 'for=203.0.113.9;proto=https' }],
    ['a non-loopback Host', { Host: 'clawgate.example.com' }],
  ] as const) {
    test(`NL-PROXY-LOCALITY: a loopback socket with ${name} is remote: pending even with the gateway token`, async () => {
      const device = makeDevice();
      const { response, closed } = await rawConnect(gw.url, { device, auth: { token: gw.token! }, scopes: ['operator.read'], headers });
      assert.equal(response?.ok, false, JSON.stringify(response));
      assert.equal(response!.error.code, 'NOT_PAIRED');
      assert.equal(response!.error.details.code, 'PAIRING_REQUIRED');
      assert.equal((await closed).code, 1008);
      const row = pendingRows(gw.stateDir).find((p) => p.device_id === device.deviceId);
      assert.ok(row, 'a pending request, not an auto-approval');
      assert.equal(row.remote_ip, '127.0.0.1', 'recorded with the peer address, as a non-local request');
      assert.equal(deviceRow(gw.stateDir, device.deviceId), undefined);

      // Device-less with the token through the proxy: connected, but with no scopes at all.
      const deviceless = await rawConnect(gw.url, { auth: { token: gw.token! }, scopes: ['operator.admin'], headers });
      assert.equal(deviceless.response?.ok, true, JSON.stringify(deviceless.response?.error));
      const status = await rpc(deviceless.ws, 'status');
      assert.equal(status.error?.details?.code, 'MISSING_SCOPE');
      deviceless.ws.close();
    });
  }

  test('NL-PROXY-LOCALITY: a browser origin that is not allowed is refused with ORIGIN_NOT_ALLOWED and close 1008 "origin not allowed"', async () => {
    for (const origin of ['https://evil.example', 'http://127.0.0.1:1', 'null']) {
      const device = makeDevice();
      const { response, closed } = await rawConnect(gw.url, { device, auth: { token: gw.token! }, headers: { Origin: origin } });
      assert.equal(response?.ok, false, origin);
      assert.equal(response!.error.code, 'INVALID_REQUEST');
      assert.equal(response!.error.details.code, 'ORIGIN_NOT_ALLOWED');
      assert.equal(response!.error.message, `origin not allowed (${origin}): add it to gateway.allowedOrigins to let this page connect`);
      assert.deepEqual(await closed, { code: 1008, reason: 'origin not allowed' });
      assert.equal(pendingRows(gw.stateDir).filter((p) => p.device_id === device.deviceId).length, 0, 'refused before any pairing state');
      assert.equal(deviceRow(gw.stateDir, device.deviceId), undefined);
    }
    // The gateway's own origin is allowed (a loopback page with the token is the owner's dashboard).
    const own = await rawConnect(gw.url, { device: makeDevice(), auth: { token: gw.token! }, scopes: ['operator.read'], headers: { Origin: `http://127.0.0.1:${gw.port}` } });
    assert.equal(own.response?.ok, true, JSON.stringify(own.response?.error));
    own.ws.close();
  });
});
