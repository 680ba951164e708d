import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcess, type InProcessGateway } from '../../test/helpers/in-process.js';
import { makeDevice, rawConnect, rpc } from '../../test/helpers/raw-client.js';

// Outside finding 10, "loopback means an IP literal": a page on http://127.<attacker domain>:PORT (DNS
// pointed at 127.0.0.1) must not pass as the gateway's own origin, nor its Host as this machine.

const ALLOWLISTED = 'http://127.evil.example:8080';

describe('token mode: look-alike loopback names', () => {
  let gw: InProcessGateway;
  before(async () => {
    gw = await startInProcess({ config: { gateway: { allowedOrigins: [ALLOWLISTED] } } });
  });
  after(async () => {
    await gw.close();
  });

  test('an upgrade from http://127.evil.example:PORT is refused with ORIGIN_NOT_ALLOWED and leaves no pairing request', async () => {
    const origin = `http://127.evil.example:${gw.port}`;
    const device = makeDevice();
    const { response, closed } = await rawConnect(gw.url, { device, scopes: ['operator.read'], headers: { Origin: origin, Host: `127.evil.example:${gw.port}` } });
    assert.equal(response?.error.code, 'INVALID_REQUEST');
    assert.equal(response?.error.details.code, 'ORIGIN_NOT_ALLOWED');
    assert.deepEqual(await closed, { code: 1008, reason: 'origin not allowed' });
    assert.equal(gw.store.pending.forDevice(device.deviceId, Date.now()), undefined, 'no pairing request at all');
    assert.equal(gw.store.devices.get(device.deviceId), undefined);
  });

  test('Origin headers, table: own loopback origins and the exact allowlist entry connect; look-alikes get ORIGIN_NOT_ALLOWED', async () => {
    const p = gw.port;
    const accepted = [`http://127.0.0.1:${p}`, `http://localhost:${p}`, `http://[::1]:${p}`, `http://127.0.0.2:${p}`, ALLOWLISTED];
    const refused = [
      `http://127.evil.example:${p}`,
      `http://127.0.0.1.evil.example:${p}`,
      `http://localhost.evil.example:${p}`,
      'http://127.evil.example:8081',
      'https://127.evil.example:8080',
      'http://127.evil.example:8080.evil.example',
      'http://127.evil.example.evil.example:8080',
    ];
    for (const origin of accepted) {
      const { ws, response } = await rawConnect(gw.url, { device: makeDevice(), auth: { token: gw.token! }, scopes: ['operator.read'], headers: { Origin: origin } });
      assert.equal(response?.ok, true, `${origin}: ${JSON.stringify(response?.error)}`);
      ws.close();
    }
    for (const origin of refused) {
      const { response, closed } = await rawConnect(gw.url, { device: makeDevice(), auth: { token: gw.token! }, scopes: ['operator.read'], headers: { Origin: origin } });
      assert.equal(response?.error.details.code, 'ORIGIN_NOT_ALLOWED', origin);
      assert.deepEqual(await closed, { code: 1008, reason: 'origin not allowed' }, origin);
    }
  });

  test('Host headers, table: localhost and loopback literals are auto-approved with the token; look-alike names wait as non-local PAIRING_REQUIRED', async () => {
    const p = gw.port;
    for (const host of [`127.0.0.1:${p}`, `localhost:${p}`, `[::1]:${p}`, `127.0.0.2:${p}`]) {
      const device = makeDevice();
      const { ws, response } = await rawConnect(gw.url, { device, auth: { token: gw.token! }, scopes: ['operator.read'], headers: { Host: host } });
      assert.equal(response?.ok, true, `${host}: ${JSON.stringify(response?.error)}`);
      assert.equal(gw.store.devices.get(device.deviceId)?.remoteIp, undefined, `${host}: paired as a local client`);
      ws.close();
    }
    for (const host of [`127.evil.example:${p}`, `127.0.0.1.evil.example:${p}`, `localhost.evil.example:${p}`, `[127.0.0.1]:${p}`]) {
      const device = makeDevice();
      const { response, closed } = await rawConnect(gw.url, { device, auth: { token: gw.token! }, scopes: ['operator.read'], headers: { Host: host } });
      assert.equal(response?.error.code, 'NOT_PAIRED', host);
      assert.equal(response?.error.details.code, 'PAIRING_REQUIRED', host);
      assert.equal((await closed).code, 1008);
      const pending = gw.store.pending.forDevice(device.deviceId, Date.now());
      assert.equal(pending?.remoteIp, '127.0.0.1', `${host}: recorded with its peer address, never as local`);
      assert.equal(gw.store.devices.get(device.deviceId), undefined, `${host}: not auto-approved`);
    }
  });

  test('even an allowlisted 127.evil.example page is never recorded as local: its request shows the peer address and locality loopback-forwarded', async () => {
    const device = makeDevice();
    const headers = { Origin: ALLOWLISTED, Host: `127.evil.example:${gw.port}` };
    for (const auth of [undefined, { token: gw.token! }]) {
      const { response } = await rawConnect(gw.url, { device, ...(auth ? { auth } : {}), scopes: ['operator.read'], headers });
      assert.equal(response?.error.details.code, 'PAIRING_REQUIRED', JSON.stringify(response?.error));
    }
    const pending = gw.store.pending.forDevice(device.deviceId, Date.now());
    assert.equal(pending?.remoteIp, '127.0.0.1', 'devices list shows 127.0.0.1, not "local"');
    const requested = gw.store.audit.ofKind('pairing.requested').filter((e) => e.deviceId === device.deviceId);
    assert.deepEqual(requested.map((e) => e.detail?.['locality']), ['loopback-forwarded']);
    assert.equal(gw.store.audit.ofKind('pairing.auto-approved').filter((e) => e.deviceId === device.deviceId).length, 0);
  });
});

describe('auth mode none: a look-alike name gets no operator access', () => {
  let gw: InProcessGateway;
  before(async () => {
    gw = await startInProcess({ token: null, config: { gateway: { auth: { mode: 'none' } } } });
  });
  after(async () => {
    await gw.close();
  });

  test('a device-less page on http://127.evil.example:PORT is refused with ORIGIN_NOT_ALLOWED', async () => {
    const { response, closed } = await rawConnect(gw.url, { scopes: ['operator.admin'], headers: { Origin: `http://127.evil.example:${gw.port}`, Host: `127.evil.example:${gw.port}` } });
    assert.equal(response?.error.details.code, 'ORIGIN_NOT_ALLOWED');
    assert.deepEqual(await closed, { code: 1008, reason: 'origin not allowed' });
  });

  test('a device-less client naming 127.evil.example as Host is not the owner: DEVICE_IDENTITY_REQUIRED; with a loopback Host it keeps its scopes', async () => {
    const lookalike = await rawConnect(gw.url, { scopes: ['operator.admin'], headers: { Host: `127.evil.example:${gw.port}` } });
    assert.equal(lookalike.response?.error.details.code, 'DEVICE_IDENTITY_REQUIRED');
    const owner = await rawConnect(gw.url, { scopes: ['operator.admin'] });
    assert.equal(owner.response?.ok, true, JSON.stringify(owner.response?.error));
    assert.equal((await rpc(owner.ws, 'status')).ok, true);
    owner.ws.close();
  });
});
