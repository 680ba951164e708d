import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A private copy of a store (and its WAL) to read from; `dispose` removes it. */
export interface StoreCopy {
  readonly path: string;
  dispose(): void;
}

/**
 * Copy state.db (and state.db-wal when present) into a private temp dir. SQLite cannot open a WAL-mode
 * file read-only without creating (and then leaving) `-wal` and `-shm` beside it, and it may rewrite an
 * existing `-shm`: reading a copy is the only way a dry-run restore leaves the live files byte-identical.
 */
export function copyStoreForReading(dbPath: string): StoreCopy {
  const dir = mkdtempSync(join(tmpdir(), 'clawgate-restore-read-'));
  try {
    const path = join(dir, 'state.db');
    copyFileSync(dbPath, path);
    // The -shm is not copied: SQLite rebuilds it from the WAL, in the copy's dir.
    if (existsSync(`${dbPath}-wal`)) copyFileSync(`${dbPath}-wal`, `${path}-wal`);
    return { path, dispose: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
