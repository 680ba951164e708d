import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcess, type InProcessGateway } from '../../test/helpers/in-process.js';
import { makeDevice, rawConnect, rpc } from '../../test/helpers/raw-client.js';

let gw: InProcessGateway;
before(async () => {
  gw = await startInProcess();
});
after(async () => {
  await gw.close();
});

/** A code as `clawgate dashboard` gets one: the owner's device-less loopback connect with the gateway token. */
async function issueCode(): Promise<{ code: string; expiresAtMs: number; scopes: string[] }> {
  const { ws, response } = await rawConnect(gw.url, { auth: { token: gw.token! }, scopes: ['operator.admin'] });
  assert.equal(response?.ok, true);
  const res = await rpc(ws, 'dashboard.link.create');
  ws.close();
  assert.equal(res.ok, true, JSON.stringify(res.error));
  return res.payload;
}

/** The headers of a page the gateway itself served. */
const browser = (): Record<string, string> => ({ origin: `http://127.0.0.1:${new URL(gw.url).port}` });

describe('dashboard link codes (connect.auth.bootstrapToken)', () => {
  test('a code pairs the one key that presents it, with a minted token, in one connect; the audit row names the code', async () => {
    const issued = await issueCode();
    assert.match(issued.code, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(issued.expiresAtMs > Date.now() && issued.expiresAtMs <= Date.now() + 60_000);
    assert.deepEqual(issued.scopes, ['operator.admin']);
    const device = makeDevice();
    const { ws, response } = await rawConnect(gw.url, { device, scopes: ['operator.admin'], clientId: 'openclaw-control-ui', clientMode: 'ui', auth: { bootstrapToken: issued.code } });
    assert.equal(response?.ok, true, JSON.stringify(response?.error));
    assert.equal(typeof response?.payload.auth.deviceToken, 'string');
    assert.deepEqual(response?.payload.auth.scopes, ['operator.admin']);
    const status = await rpc(ws, 'status');
    assert.equal(status.ok, true);
    ws.close();
    const record = gw.store.devices.get(device.deviceId);
    assert.deepEqual(record?.approvedScopes, ['operator.admin']);
    const audit = gw.store.audit.lastForDevice(device.deviceId, ['pairing.auto-approved']);
    assert.equal(audit?.detail?.['via'], 'bootstrap-code');
    // The minted token works on its own from now on.
    const again = await rawConnect(gw.url, { device, scopes: ['operator.admin'], clientId: 'openclaw-control-ui', clientMode: 'ui', auth: { deviceToken: response!.payload.auth.deviceToken } });
    assert.equal(again.response?.ok, true);
    again.ws.close();
  });

  test('a code works once: a second key presenting it is refused with AUTH_BOOTSTRAP_TOKEN_INVALID and is not paired', async () => {
    const issued = await issueCode();
    const first = await rawConnect(gw.url, { device: makeDevice(), scopes: ['operator.admin'], auth: { bootstrapToken: issued.code } });
    assert.equal(first.response?.ok, true);
    first.ws.close();
    const other = makeDevice();
    const { response, closed } = await rawConnect(gw.url, { device: other, scopes: ['operator.admin'], auth: { bootstrapToken: issued.code }, headers: browser() });
    assert.equal(response?.error.details.code, 'AUTH_BOOTSTRAP_TOKEN_INVALID');
    assert.equal(response?.error.details.authReason, 'bootstrap_unknown');
    assert.equal(
      response?.error.message,
      'unauthorized: this dashboard link was already used or is not from this gateway run; run clawgate dashboard on the gateway host for a new link (a link works once, for one minute)',
    );
    assert.equal((await closed).code, 1008);
    assert.equal(gw.store.devices.get(other.deviceId), undefined);
    assert.equal(gw.store.pending.forDevice(other.deviceId, Date.now()), undefined);
  });

  test('a made-up code is refused the same way, and spends nothing', async () => {
    const { response } = await rawConnect(gw.url, { device: makeDevice(), scopes: ['operator.read'], auth: { bootstrapToken: 'x'.repeat(43) } });
    assert.equal(response?.error.details.code, 'AUTH_BOOTSTRAP_TOKEN_INVALID');
  });

  test('a code never stands in for the gateway token: without a device key it is DEVICE_IDENTITY_REQUIRED, and the code is still unspent', async () => {
    const issued = await issueCode();
    const { response } = await rawConnect(gw.url, { scopes: ['operator.admin'], auth: { bootstrapToken: issued.code } });
    assert.equal(response?.error.details.code, 'DEVICE_IDENTITY_REQUIRED');
    const use = await rawConnect(gw.url, { device: makeDevice(), scopes: ['operator.read'], auth: { bootstrapToken: issued.code } });
    assert.equal(use.response?.ok, true);
    use.ws.close();
  });

  test('a code pairs role operator only: a node connect is refused and spends the code', async () => {
    const issued = await issueCode();
    const node = await rawConnect(gw.url, { device: makeDevice(), role: 'node', scopes: [], auth: { bootstrapToken: issued.code } });
    assert.equal(node.response?.error.details.code, 'AUTH_BOOTSTRAP_TOKEN_INVALID');
    assert.equal(node.response?.error.details.authReason, 'bootstrap_scope');
    const retry = await rawConnect(gw.url, { device: makeDevice(), scopes: ['operator.read'], auth: { bootstrapToken: issued.code } });
    assert.equal(retry.response?.error.details.authReason, 'bootstrap_unknown');
  });

  test('issuing a code needs operator.admin; a read-only caller gets the scope error', async () => {
    const { ws, response } = await rawConnect(gw.url, { auth: { token: gw.token! }, scopes: ['operator.read'] });
    assert.equal(response?.ok, true);
    const res = await rpc(ws, 'dashboard.link.create');
    ws.close();
    assert.equal(res.ok, false);
    assert.equal(res.error.details.code, 'MISSING_SCOPE');
  });

  test('an already paired key presenting a code gets a fresh token (its old one is retired)', async () => {
    const device = makeDevice();
    const first = await rawConnect(gw.url, { device, scopes: ['operator.admin'], auth: { bootstrapToken: (await issueCode()).code } });
    const oldToken = first.response?.payload.auth.deviceToken as string;
    first.ws.close();
    const second = await rawConnect(gw.url, { device, scopes: ['operator.admin'], auth: { bootstrapToken: (await issueCode()).code } });
    assert.equal(second.response?.ok, true);
    const newToken = second.response?.payload.auth.deviceToken as string;
    assert.notEqual(newToken, oldToken);
    second.ws.close();
    const stale = await rawConnect(gw.url, { device, scopes: ['operator.admin'], auth: { deviceToken: oldToken } });
    assert.equal(stale.response?.ok, false);
  });
});
