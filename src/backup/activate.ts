import { copyFileSync, existsSync, linkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from '../store/sqlite-driver.js';
import type { StatePaths } from '../config/paths.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { BUSY_TIMEOUT_MS } from '../store/database.js';
import { fileTimestamp, fsyncPath, mkdirPrivate } from './files.js';
import { CONFIG_ENTRY, DB_ENTRY, IDENTITY_ENTRY, TOKEN_CACHE_ENTRY, type Manifest } from './manifest.js';

/** SQLite side files that belong to state.db and must never sit beside a different database. */
const DB_SIDE_FILES = ['-wal', '-shm', '-journal'];

/** One live file swapped for the backup's: where the old one was kept (if there was one). */
interface Swap {
  live: string;
  kept: string | undefined;
}

/** Fold the WAL into state.db so the kept copy is one self-contained file. A broken store is kept as is. */
function checkpoint(dbPath: string): void {
  if (!existsSync(dbPath)) return;
  try {
    const db = new Database(dbPath, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
  } catch {
    // Unreadable: its -wal and -shm are kept beside it in the replaced dir, unchanged.
  }
}

/** Keep `live` in `kept` (hard link: the same bytes, no copy; copy where links are not allowed). */
function keep(live: string, kept: string): void {
  mkdirPrivate(dirname(kept));
  try {
    linkSync(live, kept);
  } catch {
    copyFileSync(live, kept);
  }
}

/** Swap one file: keep the old, then rename the staged one over it (atomic), or remove it when the backup has none. */
function swap(live: string, staged: string, kept: string, done: Swap[]): void {
  const had = existsSync(live);
  if (had) keep(live, kept);
  if (existsSync(staged)) {
    mkdirPrivate(dirname(live));
    renameSync(staged, live);
  } else if (had) {
    rmSync(live);
  }
  if (had || existsSync(live)) done.push({ live, kept: had ? kept : undefined });
}

/** Undo the swaps done so far (best effort): put each kept file back, or remove a file that was new. */
function undo(done: Swap[]): void {
  for (const s of done.reverse()) {
    try {
      if (s.kept) {
        copyFileSync(s.kept, `${s.live}.restore-undo`);
        renameSync(`${s.live}.restore-undo`, s.live);
      } else {
        rmSync(s.live, { force: true });
      }
    } catch {
      // The kept copy stays in the replaced dir; the error below names it.
    }
  }
}

function replacedDirOf(backupsDir: string, now: Date): string {
  const stamp = fileTimestamp(now);
  for (let n = 1; ; n++) {
    const dir = join(backupsDir, `replaced-${stamp}${n === 1 ? '' : `-${n}`}`);
    if (!existsSync(dir)) return dir;
  }
}

/**
 * Put a verified, staged backup in place. The state.db WAL is checkpointed first; every replaced file is
 * kept in <backups>/replaced-<timestamp>/ (state.db with any -wal/-shm, clawgate.json, identity files);
 * each new file is renamed into place (atomic per file). Caller holds gateway.lock. Returns the replaced dir.
 */
export function activateBackup(paths: StatePaths, staging: string, backupsDir: string, archive: string, manifest: Manifest, now: Date): string {
  const replaced = replacedDirOf(backupsDir, now);
  mkdirPrivate(replaced);
  checkpoint(paths.dbPath);
  const done: Swap[] = [];
  try {
    // Side files first: a stale -wal beside the restored state.db would be replayed into it.
    for (const suffix of DB_SIDE_FILES) {
      const side = `${paths.dbPath}${suffix}`;
      if (existsSync(side)) renameSync(side, join(replaced, `${DB_ENTRY}${suffix}`));
    }
    swap(paths.dbPath, join(staging, DB_ENTRY), join(replaced, DB_ENTRY), done);
    swap(paths.configPath, join(staging, CONFIG_ENTRY), join(replaced, CONFIG_ENTRY), done);
    swap(paths.identityPath, join(staging, IDENTITY_ENTRY), join(replaced, IDENTITY_ENTRY), done);
    swap(paths.tokenCachePath, join(staging, TOKEN_CACHE_ENTRY), join(replaced, TOKEN_CACHE_ENTRY), done);
  } catch (err) {
    undo(done);
    throw new ClawgateError(
      'STATE_DIR_INVALID',
      `restore failed while putting files in place (${(err as Error).message}); the previous files were put back where possible and are kept in ${replaced}`,
      { replacedDir: replaced },
    );
  }
  const note = { restoredFrom: archive, backupCreatedAt: manifest.createdAt, restoredAt: now.toISOString(), replacedFiles: done.filter((s) => s.kept).map((s) => s.live) };
  writeFileSync(join(replaced, 'restore.json'), `${JSON.stringify(note, null, 2)}\n`, { mode: 0o600 });
  for (const dir of [paths.stateDir, paths.identityDir, replaced]) fsyncPath(dir, true);
  return replaced;
}
