import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_CODES } from '../cli/main.js';
import { statePathsOf } from '../config/paths.js';
import { readLock } from '../util/gateway-lock.js';
import { CLI_BIN, makeStateDir, startGateway } from '../../test/helpers/gateway-process.js';
import { cli } from '../../test/helpers/cli-io.js';
import { makeDevice, rawConnect } from '../../test/helpers/raw-client.js';
import { restoreBackup } from './restore.js';
import { backupsEntries, pairingRows, treeHashes } from './test-support.js';

/** Run `gateway run` on a state dir; it must exit on its own (killed after a timeout if it does not). */
function gatewayRunExit(stateDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_BIN, 'gateway', 'run'], { env: { ...process.env, CLAWGATE_STATE_DIR: stateDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

test('restore refuses while a gateway runs on the state dir (naming pid and port) and works once it stops', async (t) => {
  const gw = await startGateway();
  const stateDir = gw.stateDir;
  t.after(async () => {
    await gw.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });
  const connected = await rawConnect(gw.url, { device: makeDevice(), auth: { token: gw.token! }, scopes: ['operator.read'] });
  assert.equal(connected.response?.ok, true);
  connected.ws.close();
  const made = await cli(stateDir, 'backup', 'create', '--out', join(stateDir, 'b.tar.gz'));
  assert.equal(made.code, 0, made.err);
  const archive = join(stateDir, 'b.tar.gz');

  for (const args of [[], ['--yes']]) {
    const before = treeHashes(stateDir, ['backups', 'state.db', 'state.db-wal', 'state.db-shm']);
    const r = await cli(stateDir, 'backup', 'restore', archive, ...args);
    assert.equal(r.code, EXIT_CODES.conflict, r.out);
    assert.match(r.err, new RegExp(`cannot restore while a gateway runs on this state dir \\(pid ${gw.child.pid}, port ${gw.port}\\); stop it with clawgate gateway stop`));
    assert.equal(readLock(join(stateDir, 'gateway.lock'))?.pid, gw.child.pid, 'the gateway still owns its lock');
    assert.deepEqual(treeHashes(stateDir, ['backups', 'state.db', 'state.db-wal', 'state.db-shm']), before);
    assert.deepEqual(backupsEntries(stateDir, 'replaced-'), []);
    assert.deepEqual(backupsEntries(stateDir, '.restore-staging-'), []);
  }

  await gw.stop();
  const rows = pairingRows(stateDir);
  const r = await cli(stateDir, 'backup', 'restore', archive, '--yes');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /Restored\. The replaced state is kept in .*replaced-/);
  assert.deepEqual(pairingRows(stateDir), rows);
  assert.equal(existsSync(join(stateDir, 'gateway.lock')), false, 'restore released its lock');
  const [kept] = backupsEntries(stateDir, 'replaced-');
  assert.ok(kept);
  for (const f of ['state.db', 'clawgate.json', 'restore.json']) assert.equal(statSync(join(stateDir, 'backups', kept, f)).mode & 0o777, 0o600, f);
});

test('restore holds gateway.lock while it works: a gateway cannot start meanwhile', async (t) => {
  const stateDir = makeStateDir({ gateway: { auth: { mode: 'none' } } });
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  const paths = statePathsOf(stateDir);
  // A store to back up (the gateway creates it).
  const gw = await startGateway({ stateDir, token: null, config: { gateway: { auth: { mode: 'none' } } } });
  await gw.stop();
  const made = await cli(stateDir, 'backup', 'create', '--out', join(stateDir, 'b.tar.gz'));
  assert.equal(made.code, 0, made.err);

  let attempt: { code: number | null; output: string } | undefined;
  const result = await restoreBackup(paths, join(stateDir, 'b.tar.gz'), {
    yes: true,
    onStaged: async () => {
      assert.equal(readLock(paths.lockPath)?.pid, process.pid);
      attempt = await gatewayRunExit(stateDir);
    },
  });
  assert.equal(result.activated, true);
  assert.equal(attempt?.code, EXIT_CODES.conflict, attempt?.output);
  assert.match(attempt!.output, new RegExp(`pid ${process.pid}`));
  assert.equal(existsSync(paths.lockPath), false);
});

test('restore without --yes changes nothing and says how to activate', async (t) => {
  const stateDir = makeStateDir({ gateway: { port: 18998 } });
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  const gw = await startGateway({ stateDir });
  await gw.stop();
  const archive = join(stateDir, 'b.tar.gz');
  assert.equal((await cli(stateDir, 'backup', 'create', '--out', archive)).code, 0);
  assert.equal((await cli(stateDir, 'config', 'set', 'gateway.port', '18997')).code, 0);
  // A stale gateway.lock (dead pid) may be reclaimed and released; nothing else may change.
  const before = treeHashes(stateDir, ['backups', 'gateway.lock']);
  const r = await cli(stateDir, 'backup', 'restore', archive);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /~ gateway\.port: 18997 -> \d+/);
  assert.match(r.out, /Nothing was changed\. To activate this backup, re-run with --yes: clawgate backup restore .* --yes/);
  assert.deepEqual(treeHashes(stateDir, ['backups', 'gateway.lock']), before);
  assert.deepEqual(backupsEntries(stateDir, 'replaced-'), []);
  assert.equal(existsSync(join(stateDir, 'gateway.lock')), false);
});
