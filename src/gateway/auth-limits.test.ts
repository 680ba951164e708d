import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcess, type InProcessGateway } from '../../test/helpers/in-process.js';
import { makeDevice, rawConnect } from '../../test/helpers/raw-client.js';

let gw: InProcessGateway;
before(async () => {
  gw = await startInProcess();
});
after(async () => {
  await gw.close();
});

const proxied = { 'x-forwarded-for': '198.51.100.7' };

test('off-host shared-secret failures are limited per address; loopback-direct and device tokens are not affected', async () => {
  for (let i = 0; i < 10; i++) {
    const { response } = await rawConnect(gw.url, { auth: { token: `wrong-${i}` }, headers: proxied });
    assert.equal(response?.error.details.code, 'AUTH_TOKEN_MISMATCH');
  }
  const limited = await rawConnect(gw.url, { auth: { token: gw.token! }, headers: proxied });
  assert.equal(limited.response?.error.details.code, 'AUTH_RATE_LIMITED');
  assert.equal(limited.response?.error.retryable, true);
  assert.ok(limited.response?.error.retryAfterMs > 0);
  assert.deepEqual(await limited.closed, { code: 1008, reason: 'unauthorized: too many failed authentication attempts (retry later)' });

  for (let i = 0; i < 12; i++) {
    const { response } = await rawConnect(gw.url, { auth: { token: `wrong-${i}` } });
    assert.equal(response?.error.details.code, 'AUTH_TOKEN_MISMATCH', 'loopback-direct is exempt');
  }
  const owner = await rawConnect(gw.url, { auth: { token: gw.token! }, scopes: ['operator.read'] });
  assert.equal(owner.response?.ok, true);
  owner.ws.close();

  // A device connecting through the same proxy without shared secret is judged on its own scope.
  const device = await rawConnect(gw.url, { device: makeDevice(), headers: proxied });
  assert.equal(device.response?.error.details.code, 'PAIRING_REQUIRED');
});

test("a device-token lockout also bars a device token sent in auth.token by an older client; a wrong gateway token there still counts as one", async () => {
  const own = await startInProcess();
  try {
    const device = makeDevice();
    const first = await rawConnect(own.url, { device, auth: { token: own.token! }, scopes: ['operator.read'] });
    const token: string = first.response?.payload.auth.deviceToken;
    first.ws.close();
    const confirm = await rawConnect(own.url, { device, auth: { deviceToken: token }, scopes: ['operator.read'] });
    assert.equal(confirm.response?.ok, true, JSON.stringify(confirm.response?.error));
    confirm.ws.close();

    for (let i = 0; i < 10; i++) {
      const { response } = await rawConnect(own.url, { device, auth: { deviceToken: `wrong-${i}` }, scopes: ['operator.read'], headers: proxied });
      assert.equal(response?.error.details.code, 'AUTH_DEVICE_TOKEN_MISMATCH');
    }
    for (const auth of [{ deviceToken: token }, { token }]) {
      const { response } = await rawConnect(own.url, { device, auth, scopes: ['operator.read'], headers: proxied });
      assert.equal(response?.error.details.code, 'AUTH_RATE_LIMITED', JSON.stringify(Object.keys(auth)));
      assert.equal(response?.error.details.scope, 'device-token');
    }
    const wrongGateway = await rawConnect(own.url, { device, auth: { token: 'wrong' }, scopes: ['operator.read'], headers: proxied });
    assert.equal(wrongGateway.response?.error.details.code, 'AUTH_TOKEN_MISMATCH');
  } finally {
    await own.close();
  }
});
