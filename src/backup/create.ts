import { chmodSync, closeSync, copyFileSync, createWriteStream, existsSync, linkSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createGzip } from 'node:zlib';
import { create as createTar } from 'tar';
import Database from '../store/sqlite-driver.js';
import { statePathsOf, type StatePaths } from '../config/paths.js';
import { stateDirIdOf } from '../util/state-dir-id.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { VERSION } from '../version.js';
import { fileTimestamp, fsyncPath, hashFile, mkdirPrivate } from './files.js';
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  CONFIG_ENTRY,
  DB_ENTRY,
  DEFAULT_LIMITS,
  IDENTITY_ENTRY,
  MANIFEST_ENTRY,
  TOKEN_CACHE_ENTRY,
  type Manifest,
  type ManifestFile,
} from './manifest.js';
import { countsOf, integrityOf, openReadOnly, schemaVersionOf } from './store-snapshot.js';

/** Pages copied per online-backup step: small enough that a busy gateway keeps writing between steps. */
const BACKUP_STEP_PAGES = 1_000;

/** Progress of a backup: the store copy (pages) or the archive write (bytes). */
export interface BackupProgress {
  phase: 'copy' | 'archive';
  done: number;
  total: number;
}

export interface CreateOptions {
  /** Archive path; default <state>/backups/clawgate-backup-<UTC timestamp>.tar.gz. */
  out?: string | undefined;
  now?: Date;
  onProgress?: (p: BackupProgress, storeBytes: number) => void;
}

/** What a finished backup holds. */
export interface CreatedBackup {
  path: string;
  archiveBytes: number;
  manifest: Manifest;
}

/** Where backups go by default (0700). */
export function backupsDirOf(paths: StatePaths): string {
  return join(paths.stateDir, 'backups');
}

function defaultOut(paths: StatePaths, now: Date): string {
  const dir = backupsDirOf(paths);
  const stamp = fileTimestamp(now);
  for (let n = 1; ; n++) {
    const candidate = join(dir, `clawgate-backup-${stamp}${n === 1 ? '' : `-${n}`}.tar.gz`);
    if (!existsSync(candidate)) return candidate;
  }
}

/** Online copy of state.db (consistent while the gateway writes), then made a self-contained rollback-journal file. */
async function copyStore(paths: StatePaths, dest: string, onProgress: CreateOptions['onProgress']): Promise<void> {
  const src = openReadOnly(paths.dbPath);
  try {
    const pageSize = src.pragma('page_size', { simple: true }) as number;
    await src.backup(dest, {
      progress: ({ totalPages, remainingPages }) => {
        onProgress?.({ phase: 'copy', done: totalPages - remainingPages, total: totalPages }, totalPages * pageSize);
        return BACKUP_STEP_PAGES;
      },
    });
    const pages = src.pragma('page_count', { simple: true }) as number;
    onProgress?.({ phase: 'copy', done: pages, total: pages }, pages * pageSize);
  } finally {
    src.close();
  }
  chmodSync(dest, 0o600);
  // The copy needs no -wal/-shm beside it: verify opens it read-only and restore moves one file.
  const copy = new Database(dest);
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
}

/** Write the archive through a descriptor we opened 0600, so it is never readable by others. */
async function writeArchive(staging: string, entries: string[], temp: string, totalBytes: number, onProgress: CreateOptions['onProgress']): Promise<void> {
  const fd = openSync(temp, 'wx', 0o600);
  const out = createWriteStream('', { fd, autoClose: false });
  // tar first, gzip after: progress counts uncompressed bytes, which the total is measured in.
  const pack = createTar({ cwd: staging, portable: true }, entries);
  const gzip = createGzip();
  let done = 0;
  await new Promise<void>((res, rej) => {
    pack.on('data', (chunk: Buffer) => {
      done += chunk.length;
      onProgress?.({ phase: 'archive', done: Math.min(done, totalBytes), total: totalBytes }, totalBytes);
    });
    pack.on('error', rej);
    gzip.on('error', rej);
    out.on('error', rej);
    out.on('finish', () => res());
    pack.pipe(gzip);
    gzip.pipe(out);
  });
  fsyncPath(temp);
  closeSync(fd);
}

/**
 * `backup create`: SQLite online backup of state.db plus clawgate.json and identity/ into one gzip tar
 * (0600) with a manifest of sizes and SHA-256 checksums. Never overwrites an existing file.
 */
export async function createBackup(paths: StatePaths, opts: CreateOptions = {}): Promise<CreatedBackup> {
  const now = opts.now ?? new Date();
  if (!existsSync(paths.dbPath)) {
    throw new ClawgateError('STORE_UNAVAILABLE', `nothing to back up: ${paths.dbPath} does not exist; start the gateway once with clawgate gateway run`, {
      path: paths.dbPath,
    });
  }
  const backupsDir = backupsDirOf(paths);
  mkdirPrivate(backupsDir);
  chmodSync(backupsDir, 0o700);
  const out = opts.out ? resolve(opts.out) : defaultOut(paths, now);
  if (existsSync(out)) throw new ClawgateError('USAGE', `${out} already exists; choose another --out path (backups are never overwritten)`, { path: out });
  mkdirPrivate(dirname(out));

  const staging = mkdtempSync(join(backupsDir, '.create-'));
  const temp = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
  try {
    const staged = statePathsOf(staging);
    await copyStore(paths, staged.dbPath, opts.onProgress);
    const db = openReadOnly(staged.dbPath);
    let schemaVersion: number;
    let counts: Manifest['counts'];
    try {
      const integrity = integrityOf(db);
      if (integrity !== 'ok') {
        throw new ClawgateError('STORE_UNAVAILABLE', `${paths.dbPath} fails its integrity check (${integrity.slice(0, 200)}); run clawgate doctor before backing it up`, {
          path: paths.dbPath,
        });
      }
      schemaVersion = schemaVersionOf(db);
      counts = countsOf(db);
    } finally {
      db.close();
    }

    const copies: Array<[string, string]> = [
      [paths.configPath, CONFIG_ENTRY],
      [paths.identityPath, IDENTITY_ENTRY],
      [paths.tokenCachePath, TOKEN_CACHE_ENTRY],
    ];
    const entries = [DB_ENTRY];
    for (const [from, entry] of copies) {
      if (!existsSync(from)) continue;
      if (statSync(from).size > DEFAULT_LIMITS.maxSmallBytes) {
        throw new ClawgateError('STATE_DIR_INVALID', `${from} is larger than ${DEFAULT_LIMITS.maxSmallBytes} bytes; it is not a Clawgate file, move it aside`, { path: from });
      }
      mkdirPrivate(dirname(join(staging, entry)));
      copyFileSync(from, join(staging, entry));
      chmodSync(join(staging, entry), 0o600);
      entries.push(entry);
    }
    const files: ManifestFile[] = [];
    for (const entry of entries) files.push({ path: entry, ...(await hashFile(join(staging, entry))) });
    const manifest: Manifest = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      clawgateVersion: VERSION,
      createdAt: now.toISOString(),
      createdAtMs: now.getTime(),
      schemaVersion,
      stateDirId: stateDirIdOf(paths.stateDir),
      counts,
      files,
    };
    writeFileSync(join(staging, MANIFEST_ENTRY), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });

    const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
    await writeArchive(staging, [MANIFEST_ENTRY, ...entries], temp, totalBytes, opts.onProgress);
    // link() fails if out appeared meanwhile: never clobber a file, even in a race.
    linkSync(temp, out);
    fsyncPath(dirname(out), true);
    return { path: out, archiveBytes: statSync(out).size, manifest };
  } finally {
    rmSync(temp, { force: true });
    rmSync(staging, { recursive: true, force: true });
  }
}
