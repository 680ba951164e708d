import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from './sqlite-driver.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import { Store } from './store.js';

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'cg-db-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function openStore(t: TestContext, path: string): Store {
  const store = Store.open(path);
  t.after(() => store.close());
  return store;
}

function isStoreUnavailable(pattern: RegExp) {
  return (err: unknown) => err instanceof ClawgateError && err.code === 'STORE_UNAVAILABLE' && pattern.test(err.message);
}

const DEVICE = {
  deviceId: 'd'.repeat(64),
  publicKey: 'pk',
  roles: ['operator'],
  approvedScopes: ['operator.read'],
  createdAtMs: 1,
  approvedAtMs: 2,
};

test('a new store runs in WAL mode with foreign keys on', (t) => {
  const store = openStore(t, join(tempDir(t), 'state.db'));
  assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(store.integrity(), 'ok');
});

test('the schema version is the number of migrations', (t) => {
  const store = openStore(t, join(tempDir(t), 'state.db'));
  assert.equal(SCHEMA_VERSION, MIGRATIONS.length);
  assert.equal(store.db.pragma('user_version', { simple: true }), MIGRATIONS.length);
});

test('a new state.db and its WAL side files are private (0600)', (t) => {
  const dir = tempDir(t);
  const store = openStore(t, join(dir, 'state.db'));
  // Force a write so the WAL and shared-memory files exist while the store is open.
  store.write(() => store.audit.append({ tsMs: 1, kind: 'auth.failed', actor: 'gateway' }));
  const files = readdirSync(dir).filter((f) => f.startsWith('state.db'));
  assert.ok(files.includes('state.db'));
  assert.ok(files.includes('state.db-wal'), 'WAL file exists while open');
  for (const f of files) assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, `${f} mode`);
});

test('a file that is not a database is refused with STORE_UNAVAILABLE and left byte-for-byte untouched', (t) => {
  const dir = tempDir(t);
  for (const [name, content] of [
    ['text.db', Buffer.from('this is not a database, it is my shopping list\n'.repeat(40))],
    ['random.db', randomBytes(8192)],
  ] as const) {
    const path = join(dir, name);
    writeFileSync(path, content, { mode: 0o644 });
    assert.throws(() => Store.open(path), isStoreUnavailable(/cannot open store .*left untouched/));
    assert.deepEqual(readFileSync(path), content, `${name} unchanged`);
    assert.equal(statSync(path).mode & 0o777, 0o644, `${name} mode unchanged`);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.startsWith(name)),
      [name],
      'no backup, WAL or replacement file created beside it',
    );
  }
});

test('a store from a newer Clawgate is refused and its data kept', (t) => {
  const path = join(tempDir(t), 'state.db');
  const raw = new Database(path);
  raw.exec('CREATE TABLE future (x TEXT); INSERT INTO future VALUES (\'keep me\');');
  raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  raw.close();
  assert.throws(() => Store.open(path), (err: unknown) => {
    assert.ok(err instanceof ClawgateError);
    assert.equal(err.code, 'STORE_UNAVAILABLE');
    assert.match(err.message, new RegExp(`schema version ${SCHEMA_VERSION + 1}, newer than this Clawgate understands \\(${SCHEMA_VERSION}\\); upgrade Clawgate`));
    assert.equal(err.details['version'], SCHEMA_VERSION + 1);
    return true;
  });
  const check = new Database(path, { readonly: true });
  t.after(() => check.close());
  assert.equal(check.pragma('user_version', { simple: true }), SCHEMA_VERSION + 1);
  assert.deepEqual(check.prepare('SELECT x FROM future').all(), [{ x: 'keep me' }]);
  assert.deepEqual(check.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'devices'").get(), { n: 0 }, 'no migration applied');
});

test('reopening a store keeps its data and does not migrate again', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'state.db');
  const first = Store.open(path);
  first.write(() => {
    first.devices.upsert(DEVICE);
    first.audit.append({ tsMs: 5, kind: 'pairing.approved', deviceId: DEVICE.deviceId, actor: 'cli-local' });
  });
  first.close();
  const again = openStore(t, path);
  assert.deepEqual(again.devices.get(DEVICE.deviceId)?.approvedScopes, ['operator.read']);
  assert.equal(again.audit.lastId(), 1);
  assert.equal(again.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  assert.equal(existsSync(`${path}.v${SCHEMA_VERSION}.bak`), false, 'an up-to-date store is not backed up');
});

test('write() is one transaction: a throw rolls every change back', (t) => {
  const store = openStore(t, join(tempDir(t), 'state.db'));
  assert.throws(
    () =>
      store.write(() => {
        store.devices.upsert(DEVICE);
        store.audit.append({ tsMs: 1, kind: 'pairing.approved', actor: 'gateway' });
        throw new Error('boom');
      }),
    /boom/,
  );
  assert.equal(store.devices.count(), 0);
  assert.equal(store.audit.lastId(), 0);
});

test('close() is idempotent', (t) => {
  const store = Store.open(join(tempDir(t), 'state.db'));
  store.close();
  store.close();
  assert.equal(store.db.open, false);
});

test('a schema migration keeps a backup of the old store and preserves every approval', async () => {
  const { mkdtempSync, existsSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { openDatabase, migrateWith } = await import('./database.js');
  const { MIGRATIONS } = await import('./migrations.js');
  const { Store } = await import('./store.js');
  const path = join(mkdtempSync(join(tmpdir(), 'cg-migrate-')), 'state.db');
  const store = Store.open(path);
  store.devices.upsert({ deviceId: 'd1', publicKey: 'pk', roles: ['operator'], approvedScopes: ['operator.admin'], createdAtMs: 1, approvedAtMs: 2 });
  store.close();
  // A hypothetical next release adds a column: the upgrade must back up v1 first and keep the rows.
  const db = openDatabase(path);
  migrateWith(db, path, true, [...MIGRATIONS, 'ALTER TABLE devices ADD COLUMN note TEXT']);
  assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length + 1);
  assert.equal((db.prepare('SELECT approved_scopes FROM devices WHERE device_id = ?').get('d1') as { approved_scopes: string }).approved_scopes, '["operator.admin"]');
  db.close();
  const backupPath = `${path}.v${MIGRATIONS.length}.bak`;
  assert.ok(existsSync(backupPath), 'the old store was copied before migrating');
  const Database = (await import('./sqlite-driver.js')).default;
  const old = new Database(backupPath, { readonly: true });
  assert.equal(old.pragma('user_version', { simple: true }), MIGRATIONS.length);
  assert.equal((old.prepare('SELECT count(*) AS n FROM devices').get() as { n: number }).n, 1);
  old.close();
});
