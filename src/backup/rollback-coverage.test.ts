import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempStore } from '../../test/helpers/temp-store.js';
import { ROLLBACK_COVERAGE } from './rollback-coverage.js';
import { emptySnapshot } from './store-snapshot.js';

test('every table of a freshly migrated store is covered by the rollback diff (a new table fails here until its rollback is described)', (t) => {
  const store = tempStore(t);
  const tables = (store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[]).sort();
  assert.deepEqual(tables, Object.keys(ROLLBACK_COVERAGE).sort(), 'add the new table to ROLLBACK_COVERAGE, read it in store-snapshot.ts and say what rolls back in the diff');
});

test('each covered table names a field the store snapshot reads', () => {
  const fields = new Set(Object.keys(emptySnapshot()));
  for (const [table, field] of Object.entries(ROLLBACK_COVERAGE)) assert.ok(fields.has(field), `${table} -> ${field}`);
});
