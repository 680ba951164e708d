import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from './sqlite-driver.js';
import { deviceRecord } from '../../test/helpers/temp-store.js';
import { migrateWith } from './database.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import { Store } from './store.js';

test('a version-1 store migrates to the agents schema, keeping its devices and a v1 backup', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-mig-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'state.db');
  // Build a store exactly as release 1 left it: only the first migration applied.
  const v1 = new Database(path);
  v1.pragma('journal_mode = WAL');
  migrateWith(v1, path, false, MIGRATIONS.slice(0, 1));
  v1.prepare(
    `INSERT INTO devices (device_id, public_key, roles, approved_scopes, created_at_ms, approved_at_ms) VALUES ('d1', 'pk', '["operator"]', '["operator.admin"]', 1, 2)`,
  ).run();
  assert.equal(v1.pragma('user_version', { simple: true }), 1);
  v1.close();

  const store = Store.open(path);
  t.after(() => store.close());
  assert.ok(SCHEMA_VERSION >= 2);
  assert.equal(store.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  assert.deepEqual(store.devices.get('d1')?.approvedScopes, ['operator.admin']);
  assert.ok(existsSync(`${path}.v1.bak`), 'the v1 store was backed up before migrating');

  // The new tables work and a device can still be written next to them.
  store.write(() => {
    store.sessions.ensure({ key: 'agent:main:main', agentId: 'main', kind: 'main' }, 10);
    store.transcripts.append('agent:main:main', null, [{ role: 'user', text: 'hello' }], 11);
    store.devices.upsert(deviceRecord('d2'));
  });
  assert.equal(store.sessions.get('agent:main:main')?.messageCount, 1);
  assert.equal(store.devices.count(), 2);
  const tables = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('sessions', 'messages', 'provider_states') ORDER BY name").pluck().all();
  assert.deepEqual(tables, ['messages', 'provider_states', 'sessions']);
});
