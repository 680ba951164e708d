import { accessSync, chmodSync, constants, existsSync, statSync } from 'node:fs';
import Database from './sqlite-driver.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { storageError } from '../util/storage-error.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';

export type Db = Database.Database;

/** How long a writer waits for another process's transaction (the CLI fallback and the gateway share the file). */
export const BUSY_TIMEOUT_MS = 5_000;

/**
 * Open state.db (WAL, foreign keys, busy timeout) and bring its schema up to date. A file that is not a
 * database, or is from a newer Clawgate, is refused, never recreated. Before migrating an existing
 * database a backup is written beside it.
 */
export function openDatabase(path: string): Db {
  const existed = existsSync(path);
  if (existed) assertOpenable(path);
  let db: Db;
  try {
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  } catch (err) {
    throw storeError(path, err);
  }
  try {
    // Private before WAL mode: SQLite creates state.db-wal and -shm with the main file's permissions.
    if (!existed) chmodSync(path, 0o600);
    assertKnownVersion(db, path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, path, existed);
  } catch (err) {
    db.close();
    if (err instanceof ClawgateError) throw err;
    throw storeError(path, err);
  }
  return db;
}

/** Name the cause when the file cannot be this user's store (SQLite only says "unable to open database file"). */
function assertOpenable(path: string): void {
  const st = statSync(path);
  if (st.isDirectory()) {
    throw new ClawgateError('STORE_UNAVAILABLE', `cannot open store ${path}: it is a directory, not a database file; move it aside (nothing in it was changed)`, { path });
  }
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
  } catch {
    const mode = `0${(st.mode & 0o777).toString(8).padStart(3, '0')}`;
    throw new ClawgateError(
      'STORE_UNAVAILABLE',
      `cannot open store ${path}: permission denied (owner uid ${st.uid}, mode ${mode}); it was left untouched: run the gateway as the user that owns it, or give it to this user (chown, then chmod 600)`,
      { path, uid: st.uid, mode },
    );
  }
}

function storeError(path: string, err: unknown): ClawgateError {
  const storage = storageError(err, path);
  if (storage) return storage;
  return new ClawgateError(
    'STORE_UNAVAILABLE',
    `cannot open store ${path}: ${(err as Error).message}. It was left untouched; restore it from a backup or move it aside`,
    { path },
  );
}

/** Refuse a store from a newer Clawgate before changing anything about it (not even its journal mode). */
function assertKnownVersion(db: Db, path: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new ClawgateError(
      'STORE_UNAVAILABLE',
      `store ${path} has schema version ${version}, newer than this Clawgate understands (${SCHEMA_VERSION}); upgrade Clawgate`,
      { path, version, supported: SCHEMA_VERSION },
    );
  }
}

function migrate(db: Db, path: string, existed: boolean): void {
  migrateWith(db, path, existed, MIGRATIONS);
}

/**
 * Apply `migrations` past the store's user_version in one transaction. An existing store is first copied
 * to `<path>.v<old>.bak` (VACUUM INTO: a consistent copy), so an upgrade can always be undone.
 */
export function migrateWith(db: Db, path: string, existed: boolean, migrations: readonly string[]): void {
  const target = migrations.length;
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version >= target) return;
  if (existed && version > 0) {
    const backup = `${path}.v${version}.bak`;
    if (!existsSync(backup)) db.prepare('VACUUM INTO ?').run(backup);
  }
  const apply = db.transaction(() => {
    for (let v = version; v < target; v++) db.exec(migrations[v]!);
    db.pragma(`user_version = ${target}`);
  });
  apply.immediate();
}
