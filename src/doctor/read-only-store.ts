import { existsSync } from 'node:fs';
import Database from '../store/sqlite-driver.js';
import type { Db } from '../store/database.js';
import { SCHEMA_VERSION } from '../store/migrations.js';

/** How long doctor waits for a store another process is writing. */
export const DOCTOR_BUSY_TIMEOUT_MS = 2_000;

/**
 * Open state.db read-only, without migrating or changing its journal mode (Store.open would migrate).
 * Undefined when there is no store yet or its schema is not the one this Clawgate reads.
 */
export function openStoreReadOnly(dbPath: string): Db | undefined {
  if (!existsSync(dbPath)) return undefined;
  let db: Db | undefined;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true, timeout: DOCTOR_BUSY_TIMEOUT_MS });
    if (db.pragma('user_version', { simple: true }) !== SCHEMA_VERSION) {
      db.close();
      return undefined;
    }
    return db;
  } catch {
    db?.close();
    return undefined;
  }
}

/** Run fn on a read-only store handle and close it; undefined when the store cannot be read (store-integrity says why). */
export function withReadOnlyStore<T>(dbPath: string, fn: (db: Db) => T): T | undefined {
  const db = openStoreReadOnly(dbPath);
  if (!db) return undefined;
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
