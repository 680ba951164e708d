import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { statePathsOf } from '../../../config/paths.js';
import { authorizeDevice } from '../../../pairing/authorize-device.js';
import { Store } from '../../../store/store.js';
import { freePort } from '../../../../test/helpers/gateway-process.js';
import { startInProcess, type InProcessGateway } from '../../../../test/helpers/in-process.js';
import { makeDevice, rawConnect } from '../../../../test/helpers/raw-client.js';
import { cli, tempStateDir } from '../../../../test/helpers/cli-io.js';
import { renderPairingList } from './list.js';

describe('clawgate devices list against a running gateway', () => {
  let gw: InProcessGateway;
  let waiting: string;
  before(async () => {
    gw = await startInProcess();
    // The CLI finds the gateway through the state dir's config, as on a real host.
    writeFileSync(join(gw.stateDir, 'clawgate.json'), JSON.stringify({ gateway: { port: gw.port, auth: { mode: 'token', token: gw.token } } }), { mode: 0o600 });
    const device = makeDevice();
    waiting = device.deviceId;
    const { response, ws } = await rawConnect(gw.url, { device, scopes: ['operator.read'], clientId: 'phone-app' });
    assert.equal(response?.error.details.code, 'PAIRING_REQUIRED');
    ws.terminate();
  });
  after(async () => {
    await gw.close();
    rmSync(gw.stateDir, { recursive: true, force: true });
  });

  test('prints the Pending and Paired tables', async () => {
    const r = await cli(gw.stateDir, 'devices', 'list');
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '', 'no fallback note: the RPC path worked');
    const lines = r.out.split('\n');
    assert.equal(lines[0], 'Pending (1):');
    assert.match(lines[1]!, /^REQUEST\s+DEVICE\s+CLIENT\s+ROLE\s+SCOPES\s+REASON\s+FROM\s+SEEN$/);
    assert.match(lines[2]!, new RegExp(`^[0-9a-f]{8}\\s+${waiting.slice(0, 12)}\\s+phone-app\\s+operator\\s+operator\\.read\\s+not-paired\\s+local\\s+\\d+s ago$`));
    assert.equal(lines[3], 'Approve with: clawgate devices approve <REQUEST>');
    assert.ok(lines.includes('Paired (1):'), 'the CLI itself was auto-approved on loopback with the gateway token');
    const header = lines.indexOf('Paired (1):') + 1;
    assert.match(lines[header]!, /^DEVICE\s+CLIENT\s+ROLES\s+SCOPES\s+TOKENS\s+LAST SEEN$/);
    assert.match(lines[header + 1]!, /^[0-9a-f]{12}\s+cli\s+operator\s+\S*operator\.pairing\S*\s+operator:active\s+\d+s ago$/);
  });

  test('--json prints exactly {pending, paired}', async () => {
    const r = await cli(gw.stateDir, 'devices', 'list', '--json');
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out);
    assert.deepEqual(Object.keys(doc).sort(), ['paired', 'pending']);
    assert.deepEqual(doc.pending.map((p: { deviceId: string }) => p.deviceId), [waiting]);
    assert.equal(doc.paired.length, 1);
    assert.equal(doc.paired[0].clientId, 'cli');
    assert.ok(!r.out.includes(gw.token!), 'no gateway token in the output');
  });
});

test('renderPairingList: empty lists say none', () => {
  assert.equal(renderPairingList({ pending: [], paired: [] }), 'Pending: none\n\nPaired: none');
});

test('with the gateway not running, devices list reads the store directly and says so', async (t) => {
  const dir = tempStateDir(t);
  writeFileSync(join(dir, 'clawgate.json'), JSON.stringify({ gateway: { port: await freePort() } }));
  const store = Store.open(statePathsOf(dir).dbPath);
  try {
    const d = authorizeDevice(store, { deviceId: 'f00d'.repeat(16), publicKey: 'pk', role: 'operator', scopes: ['operator.read'], clientId: 'tv', clientMode: 'ui', locality: 'remote', remoteIp: '10.9.8.7', kind: 'other', proof: false }, { autoApproveRemoteWithToken: false }, Date.now());
    assert.equal(d.outcome, 'pending');
  } finally {
    store.close();
  }
  const r = await cli(dir, 'devices', 'list');
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /^note: the gateway is not running; acting on the store directly \(.*state\.db\)$/);
  assert.match(r.out, /^Pending \(1\):\n/);
  assert.match(r.out, /f00df00df00d\s+tv\s+operator\s+operator\.read\s+not-paired\s+10\.9\.8\.7/);
  assert.match(r.out, /Paired: none$/);
});
