import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useInProcessGateway } from '../../test/helpers/in-process.js';
import { makeDevice, rawConnect } from '../../test/helpers/raw-client.js';

const gateway = useInProcessGateway();

test('a client that sends the redacted placeholder as its gateway token is told so, not "token mismatch"', async () => {
  const { response, closed } = await rawConnect(gateway().url, { device: makeDevice(), auth: { token: '[redacted 43 chars]' }, scopes: ['operator.read'] });
  assert.equal(response?.ok, false);
  assert.equal(response!.error.details.code, 'SECRET_IS_PLACEHOLDER');
  assert.equal(response!.error.details.credential, 'gateway');
  assert.match(response!.error.message, /redacted placeholder/);
  assert.match(response!.error.message, /gateway\.auth\.token/);
  assert.doesNotMatch(response!.error.message, /mismatch/);
  assert.equal((await closed).code, 1008);
});

test('a placeholder device token is named as such too, and nothing is paired for it', async () => {
  const { response } = await rawConnect(gateway().url, { device: makeDevice(), auth: { deviceToken: 'sk-[redacted]' }, scopes: ['operator.read'] });
  assert.equal(response!.error.details.code, 'SECRET_IS_PLACEHOLDER');
  assert.equal(response!.error.details.credential, 'device');
  assert.equal(gateway().store.pending.count(Date.now()), 0);
});
