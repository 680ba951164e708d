import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { create as createTar } from 'tar';
import { statePathsOf, type StatePaths } from '../config/paths.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { Store } from '../store/store.js';
import { cli } from '../../test/helpers/cli-io.js';
import { deviceRecord } from '../../test/helpers/temp-store.js';
import { createBackup } from './create.js';
import { DEFAULT_LIMITS, MANIFEST_ENTRY, type BackupLimits } from './manifest.js';
import { restoreBackup } from './restore.js';
import { verifyBackup } from './verify.js';
import { backupsEntries, treeHashes } from './test-support.js';

// Every way a backup can be damaged or hostile fails verify with BACKUP_INVALID (exit 11) and changes nothing.

let root: string;
let paths: StatePaths;
let good: string;
let goodFiles: string;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'cg-bkv-'));
  mkdirSync(join(root, 'state'), { mode: 0o700 });
  paths = statePathsOf(join(root, 'state'));
  const store = Store.open(paths.dbPath);
  store.devices.upsert(deviceRecord('d1'));
  store.close();
  writeFileSync(paths.configPath, JSON.stringify({ gateway: { port: 18999 } }), { mode: 0o600 });
  good = (await createBackup(paths, { out: join(root, 'good.tar.gz') })).path;
  // The good archive's files, for building hostile variants.
  goodFiles = mkdtempSync(join(root, 'files-'));
  await verifyBackup(good, goodFiles);
});
after(() => rmSync(root, { recursive: true, force: true }));

function variant(name: string, bytes: Buffer): string {
  const path = join(root, name);
  writeFileSync(path, bytes, { mode: 0o600 });
  return path;
}

async function packed(name: string, cwd: string, entries: string[], extra: Record<string, unknown> = {}): Promise<string> {
  const path = join(root, name);
  await createTar({ gzip: true, cwd, file: path, portable: true, ...extra }, entries);
  return path;
}

async function expectInvalid(archive: string, reason?: string, limits: BackupLimits = DEFAULT_LIMITS): Promise<void> {
  const dir = mkdtempSync(join(root, 'x-'));
  const err = await verifyBackup(archive, dir, limits).then(
    () => assert.fail(`${archive} passed verify`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ClawgateError, String(err));
  assert.equal(err.code, 'BACKUP_INVALID', err.message);
  if (reason) assert.equal(err.details['reason'], reason, err.message);
}

test('a good backup verifies; the CLI exits 0', async () => {
  const r = await cli(paths.stateDir, 'backup', 'verify', good);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /Backup OK/);
});

test('a flipped byte fails verify (BACKUP_INVALID, exit 11) and changes nothing', async () => {
  const bytes = readFileSync(good);
  for (const at of [20, Math.floor(bytes.length / 2), bytes.length - 6]) {
    const copy = Buffer.from(bytes);
    copy[at] = copy[at]! ^ 0xff;
    const bad = variant(`flipped-${at}.tar.gz`, copy);
    await expectInvalid(bad);
    const before = treeHashes(paths.stateDir, []);
    const r = await cli(paths.stateDir, 'backup', 'verify', bad);
    assert.equal(r.code, 11, r.out);
    assert.match(r.err, /is invalid \(/);
    assert.deepEqual(treeHashes(paths.stateDir, []), before);
  }
});

test('a truncated archive fails verify', async () => {
  const bytes = readFileSync(good);
  await expectInvalid(variant('trunc-half.tar.gz', bytes.subarray(0, Math.floor(bytes.length / 2))));
  await expectInvalid(variant('trunc-tail.tar.gz', bytes.subarray(0, bytes.length - 4)));
  await expectInvalid(variant('empty.tar.gz', Buffer.alloc(0)));
});

test('an extra entry fails verify (unexpected-entry)', async () => {
  writeFileSync(join(goodFiles, 'extra.txt'), 'hello');
  await expectInvalid(await packed('extra.tar.gz', goodFiles, [MANIFEST_ENTRY, 'state.db', 'clawgate.json', 'extra.txt']), 'unexpected-entry');
  // An expected name that the manifest does not list is refused too.
  mkdirSync(join(goodFiles, 'identity'), { recursive: true });
  writeFileSync(join(goodFiles, 'identity', 'device.json'), '{}');
  await expectInvalid(await packed('unlisted.tar.gz', goodFiles, [MANIFEST_ENTRY, 'state.db', 'clawgate.json', 'identity/device.json']), 'unexpected-entry');
  // A directory entry is not a file.
  await expectInvalid(await packed('dir.tar.gz', goodFiles, [MANIFEST_ENTRY, 'state.db', 'identity']), 'unexpected-entry');
});

test('path traversal and absolute entries fail verify (unsafe-path) and write nothing outside', async () => {
  const outside = join(root, 'evil.txt');
  writeFileSync(outside, 'evil');
  const inner = join(goodFiles, 'inner');
  mkdirSync(inner, { recursive: true });
  const traversal = await packed('traversal.tar.gz', inner, ['../manifest.json', '../../evil.txt'], { preservePaths: true });
  rmSync(outside);
  await expectInvalid(traversal, 'unsafe-path');
  assert.equal(existsSync(outside), false);
  const absolute = await packed('absolute.tar.gz', goodFiles, [join(goodFiles, MANIFEST_ENTRY)], { preservePaths: true });
  await expectInvalid(absolute, 'unsafe-path');
});

test('entries and archives over the named limits fail verify (too-large)', async () => {
  await expectInvalid(good, 'too-large', { ...DEFAULT_LIMITS, maxDbBytes: 1024 });
  await expectInvalid(good, 'too-large', { ...DEFAULT_LIMITS, maxArchiveBytes: 100 });
});

test('a tampered manifest, a missing manifest, and a non-tar fail verify with precise reasons', async () => {
  const manifest = JSON.parse(readFileSync(join(goodFiles, MANIFEST_ENTRY), 'utf8'));
  const dir = mkdtempSync(join(root, 'tamper-'));
  writeFileSync(join(dir, 'state.db'), readFileSync(join(goodFiles, 'state.db')));
  manifest.files = manifest.files.filter((f: { path: string }) => f.path === 'state.db');
  manifest.files[0].sha256 = '0'.repeat(64);
  writeFileSync(join(dir, MANIFEST_ENTRY), JSON.stringify(manifest));
  await expectInvalid(await packed('tampered.tar.gz', dir, [MANIFEST_ENTRY, 'state.db']), 'checksum-mismatch');
  manifest.formatVersion = 99;
  writeFileSync(join(dir, MANIFEST_ENTRY), JSON.stringify(manifest));
  await expectInvalid(await packed('newer.tar.gz', dir, [MANIFEST_ENTRY, 'state.db']), 'newer-format');
  await expectInvalid(await packed('no-manifest.tar.gz', dir, ['state.db']), 'missing-manifest');
  await expectInvalid(variant('not-tar.tar.gz', gzipSync(Buffer.from('just some text, not a tar archive'))), 'corrupt-archive');
});

test('restore of a corrupted archive fails with BACKUP_INVALID and changes nothing', async () => {
  const copy = Buffer.from(readFileSync(good));
  copy[Math.floor(copy.length / 2)] ^= 0xff;
  const bad = variant('restore-bad.tar.gz', copy);
  const before = treeHashes(paths.stateDir);
  for (const yes of [false, true]) {
    await assert.rejects(restoreBackup(paths, bad, { yes }), (e: unknown) => e instanceof ClawgateError && e.code === 'BACKUP_INVALID');
  }
  const r = await cli(paths.stateDir, 'backup', 'restore', bad, '--yes');
  assert.equal(r.code, 11);
  assert.deepEqual(treeHashes(paths.stateDir), before);
  assert.deepEqual(backupsEntries(paths.stateDir, 'replaced-'), []);
  assert.deepEqual(backupsEntries(paths.stateDir, '.restore-staging-'), []);
  assert.equal(existsSync(paths.lockPath), false, 'restore released gateway.lock');
});
