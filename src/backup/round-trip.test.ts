import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import JSON5 from 'json5';
import { randomToken, runCli, startGateway, type RunningGateway } from '../../test/helpers/gateway-process.js';
import { makeDevice, rawConnect } from '../../test/helpers/raw-client.js';
import { backupsEntries, pairingRows, treeHashes } from './test-support.js';

// create -> verify -> restore against a real gateway process and the real CLI (dist/bundle/cli.js).

function readConfig(stateDir: string): Record<string, any> {
  return JSON5.parse(readFileSync(join(stateDir, 'clawgate.json'), 'utf8'));
}

test('backup round trip: create while the gateway writes, verify, restore --yes brings back every device, token hash, pending request and config key', async (t) => {
  let gw: RunningGateway | undefined = await startGateway();
  const stateDir = gw.stateDir;
  t.after(async () => {
    await gw?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  // A device paired by a real connect with the gateway token: its device token exists only in this test.
  const a = makeDevice();
  const first = await rawConnect(gw.url, { device: a, auth: { token: gw.token! }, scopes: ['operator.admin'] });
  assert.equal(first.response?.ok, true, JSON.stringify(first.response?.error));
  const tokenA: string = first.response!.payload.auth.deviceToken;
  assert.ok(tokenA && tokenA.length >= 32);
  first.ws.close();
  // A second paired device, removed after the backup.
  const c = makeDevice();
  const third = await rawConnect(gw.url, { device: c, auth: { token: gw.token! }, scopes: ['operator.read'] });
  assert.equal(third.response?.ok, true);
  const tokenC: string = third.response!.payload.auth.deviceToken;
  third.ws.close();
  // A pending request: a loopback device without the gateway token.
  const b = makeDevice();
  const pending = await rawConnect(gw.url, { device: b, scopes: ['operator.read'] });
  assert.equal(pending.response?.error?.details?.code, 'PAIRING_REQUIRED');
  const requestId: string = pending.response!.error.details.requestId;
  // This host's CLI identity and token cache.
  const list = await runCli(['devices', 'list'], { stateDir });
  assert.equal(list.code, 0, list.stderr);

  const rowsAtBackup = pairingRows(stateDir);
  assert.equal(rowsAtBackup.devices.length, 3);
  assert.equal(rowsAtBackup.pending.length, 1);
  const configAtBackup = readConfig(stateDir);
  const identityAtBackup = treeHashes(join(stateDir, 'identity'));
  assert.deepEqual(Object.keys(identityAtBackup).sort(), ['device-auth.json', 'device.json']);

  // create, with the gateway running (online backup)
  const created = await runCli(['backup', 'create', '--json'], { stateDir });
  assert.equal(created.code, 0, created.stderr);
  const made = JSON.parse(created.stdout) as { path: string; manifest: { counts: Record<string, number>; files: { path: string }[] } };
  assert.deepEqual(made.manifest.counts, { devices: 3, tokens: 3, activeTokens: 3, pendingRequests: 1 });
  assert.deepEqual(made.manifest.files.map((f) => f.path), ['state.db', 'clawgate.json', 'identity/device.json', 'identity/device-auth.json']);
  assert.equal(statSync(made.path).mode & 0o777, 0o600);
  assert.equal(statSync(join(stateDir, 'backups')).mode & 0o777, 0o700);
  assert.match(made.path, /backups\/clawgate-backup-\d{8}T\d{6}Z\.tar\.gz$/);

  // Tokens are stored hashed: no plaintext device token in the archive, compressed or not.
  const bytes = readFileSync(made.path);
  const tarBytes = gunzipSync(bytes);
  for (const token of [tokenA, tokenC]) {
    assert.equal(bytes.includes(token), false);
    assert.equal(tarBytes.includes(token), false, 'a device token minted by a real connect is in the backup');
  }
  const human = await runCli(['backup', 'create'], { stateDir });
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /Backup written: .* \(.*, mode 0600\)/);
  assert.match(human.stdout, /3 devices, 3 tokens \(3 active\), 1 pending request/);
  for (const secret of [tokenA, tokenC, gw.token!]) assert.equal(human.stdout.includes(secret) || human.stderr.includes(secret), false);

  const verified = await runCli(['backup', 'verify', made.path], { stateDir });
  assert.equal(verified.code, 0, verified.stderr);
  assert.match(verified.stdout, /Backup OK/);
  assert.match(verified.stdout, /integrity ok, schema \d+, 3 devices/);

  // Change everything after the backup: approve the pending request, remove C, rotate A, new gateway token.
  assert.equal((await runCli(['devices', 'approve', requestId], { stateDir })).code, 0);
  assert.equal((await runCli(['devices', 'remove', c.deviceId], { stateDir })).code, 0);
  assert.equal((await runCli(['devices', 'rotate', '--device', a.deviceId, '--role', 'operator'], { stateDir })).code, 0);
  await gw.stop();
  gw = undefined;
  const newToken = randomToken();
  const changed = { ...configAtBackup, gateway: { ...configAtBackup['gateway'], auth: { mode: 'token', token: newToken } } };
  writeFileSync(join(stateDir, 'clawgate.json'), JSON.stringify(changed), { mode: 0o600 });
  assert.notDeepEqual(pairingRows(stateDir), rowsAtBackup);

  // Without --yes: the diff, and nothing changes.
  const before = treeHashes(stateDir);
  const preview = await runCli(['backup', 'restore', made.path], { stateDir });
  assert.equal(preview.code, 0, preview.stderr);
  assert.match(preview.stdout, /re-run with --yes/);
  assert.match(preview.stdout, new RegExp(`- ${b.deviceId.slice(0, 12)} .*removed \\(paired after the backup`));
  assert.match(preview.stdout, new RegExp(`\\+ ${c.deviceId.slice(0, 12)} .*comes back`));
  assert.match(preview.stdout, new RegExp(`\\+ ${requestId.slice(0, 12)} from ${b.deviceId.slice(0, 12)}`));
  assert.match(preview.stdout, new RegExp(`~ ${a.deviceId.slice(0, 12)} operator: token differs`));
  assert.match(preview.stdout, /~ gateway\.auth\.token: changed \(secret, value not shown\)/);
  for (const secret of [newToken, configAtBackup['gateway'].auth.token as string, tokenA]) {
    assert.equal(preview.stdout.includes(secret), false, 'a secret value was printed');
  }
  assert.deepEqual(treeHashes(stateDir), before, 'restore without --yes changed the state dir');
  assert.deepEqual(backupsEntries(stateDir, 'replaced-'), []);
  assert.deepEqual(backupsEntries(stateDir, '.restore-staging-'), []);

  // With --yes: everything is back, and the replaced state is kept.
  const restored = await runCli(['backup', 'restore', made.path, '--yes'], { stateDir });
  assert.equal(restored.code, 0, restored.stderr);
  const kept = /kept in (\S+)/.exec(restored.stdout)?.[1];
  assert.ok(kept && kept.includes(join(stateDir, 'backups', 'replaced-')), restored.stdout);
  assert.deepEqual(pairingRows(stateDir), rowsAtBackup);
  assert.deepEqual(readConfig(stateDir), configAtBackup);
  assert.deepEqual(treeHashes(join(stateDir, 'identity')), identityAtBackup);
  assert.equal(statSync(join(stateDir, 'state.db')).mode & 0o777, 0o600);
  assert.deepEqual(backupsEntries(stateDir, '.restore-staging-'), []);
  // The replaced state holds what was live: device B approved after the backup, the new gateway token.
  assert.equal((pairingRows(join(kept)).devices as { device_id: string }[]).some((d) => d.device_id === b.deviceId), true);
  assert.equal(JSON.parse(readFileSync(join(kept, 'clawgate.json'), 'utf8')).gateway.auth.token, newToken);
  assert.deepEqual(Object.keys(treeHashes(join(kept, 'identity'))).sort(), ['device-auth.json', 'device.json']);
  assert.equal(statSync(kept).mode & 0o777, 0o700);

  // The restored install works: a gateway starts on it and device A's backed-up token is accepted again.
  gw = await startGateway({ stateDir, token: configAtBackup['gateway'].auth.token });
  const again = await rawConnect(gw.url, { device: a, auth: { deviceToken: tokenA }, scopes: ['operator.admin'] });
  assert.equal(again.response?.ok, true, JSON.stringify(again.response?.error));
  again.ws.close();
});
