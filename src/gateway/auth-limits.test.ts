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
