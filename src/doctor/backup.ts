import { chmodSync, copyFileSync } from 'node:fs';
import Database from '../store/sqlite-driver.js';
import { BUSY_TIMEOUT_MS, type Db } from '../store/database.js';
import { SCHEMA_VERSION } from '../store/migrations.js';

/** Suffix for files doctor keeps before changing something: `<file>.doctor-<UTC stamp>.bak`. */
export function backupPathFor(path: string, nowMs = Date.now()): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${path}.doctor-${stamp}.bak`;
}

/** Copy a file aside (0600) before doctor changes or removes it; returns the backup path. */
export function backupFile(path: string, nowMs = Date.now()): string {
  const backup = backupPathFor(path, nowMs);
  copyFileSync(path, backup);
  chmodSync(backup, 0o600);
  return backup;
}

/**
 * Run a doctor fix on the store: only on the current schema, after an online backup beside it (0600).
 * Returns what fn returns and the backup's path.
 */
export function withStoreForFix<T>(dbPath: string, nowMs: number, fn: (db: Db) => T): { result: T; backup: string } {
  const db = new Database(dbPath, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  try {
    if (db.pragma('user_version', { simple: true }) !== SCHEMA_VERSION) throw new Error('store schema is not current; start the gateway once to migrate it');
    const backup = backupPathFor(dbPath, nowMs);
    db.prepare('VACUUM INTO ?').run(backup);
    chmodSync(backup, 0o600);
    return { result: fn(db), backup };
  } finally {
    db.close();
  }
}
