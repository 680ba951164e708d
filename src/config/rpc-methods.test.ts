import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startInProcess, type InProcessGateway } from '../../test/helpers/in-process.js';
import { makeDevice, rawConnect, rpc } from '../../test/helpers/raw-client.js';

let gw: InProcessGateway;
before(async () => {
  gw = await startInProcess();
});
after(async () => {
  await gw.close();
});

test('config.get returns the file redacted; the path only to admins', async () => {
  writeFileSync(join(gw.stateDir, 'clawgate.json'), JSON.stringify({ gateway: { port: 1234, auth: { token: 'canary-secret-value-0123456789' } } }));
  const admin = await rawConnect(gw.url, { device: makeDevice(), auth: { token: gw.token! }, scopes: ['operator.admin'] });
  const res = await rpc(admin.ws, 'config.get', {});
  assert.equal(res.ok, true);
  assert.equal(res.payload.valid, true);
  assert.equal(res.payload.exists, true);
  assert.equal(res.payload.path, join(gw.stateDir, 'clawgate.json'));
  assert.equal(res.payload.config.gateway.port, 1234);
  assert.ok(!JSON.stringify(res).includes('canary'), 'no secret in the response');
  admin.ws.close();
  const reader = await rawConnect(gw.url, { device: makeDevice(), auth: { token: gw.token! }, scopes: ['operator.read'] });
  const limited = await rpc(reader.ws, 'config.get');
  assert.equal(limited.payload.path, undefined);
  reader.ws.close();
});

test('config.get reports an invalid file as invalid with its issues, not as an error', async () => {
  writeFileSync(join(gw.stateDir, 'clawgate.json'), '{gateway: {port: "x"}}');
  const c = await rawConnect(gw.url, { device: makeDevice(), auth: { token: gw.token! }, scopes: ['operator.read'] });
  const res = await rpc(c.ws, 'config.get', {});
  assert.equal(res.payload.valid, false);
  assert.match(res.payload.issues[0].message, /gateway\.port/);
  c.ws.close();
});
