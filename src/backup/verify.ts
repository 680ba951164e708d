import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { SCHEMA_VERSION } from '../store/migrations.js';
import { backupInvalid } from './backup-error.js';
import { CONFIG_ENTRY, DB_ENTRY, DEFAULT_LIMITS, IDENTITY_ENTRY, MANIFEST_ENTRY, parseManifest, TOKEN_CACHE_ENTRY, type BackupLimits, type Manifest } from './manifest.js';
import { extractArchive } from './read-archive.js';
import { countsOf, integrityOf, openReadOnly, schemaVersionOf } from './store-snapshot.js';

/** A backup that passed every check, extracted into `dir`. */
export interface VerifiedBackup {
  archive: string;
  dir: string;
  manifest: Manifest;
  integrity: 'ok';
}

function checkFiles(archive: string, manifest: Manifest, files: Awaited<ReturnType<typeof extractArchive>>): void {
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const name of files.keys()) {
    if (name !== MANIFEST_ENTRY && !listed.has(name)) throw backupInvalid(archive, 'unexpected-entry', `it holds "${name}", which its manifest does not list`, { entry: name });
  }
  for (const f of manifest.files) {
    const got = files.get(f.path);
    if (!got) throw backupInvalid(archive, 'missing-file', `its manifest lists "${f.path}" but the archive lacks it`, { entry: f.path });
    if (got.size !== f.size) throw backupInvalid(archive, 'size-mismatch', `"${f.path}" is ${got.size} bytes, the manifest says ${f.size}`, { entry: f.path });
    if (got.sha256 !== f.sha256) throw backupInvalid(archive, 'checksum-mismatch', `"${f.path}" does not match its SHA-256 in the manifest`, { entry: f.path });
  }
}

function checkStore(archive: string, manifest: Manifest, dbPath: string): void {
  let integrity: string;
  let version: number;
  let counts: Manifest['counts'];
  try {
    const db = openReadOnly(dbPath);
    try {
      integrity = integrityOf(db);
      version = schemaVersionOf(db);
      counts = countsOf(db);
    } finally {
      db.close();
    }
  } catch (err) {
    throw backupInvalid(archive, 'integrity', `its ${DB_ENTRY} cannot be read as a database (${(err as Error).message})`);
  }
  if (integrity !== 'ok') throw backupInvalid(archive, 'integrity', `its ${DB_ENTRY} fails PRAGMA integrity_check (${integrity.slice(0, 200)})`);
  if (version > SCHEMA_VERSION) {
    throw backupInvalid(archive, 'schema-newer', `its store has schema version ${version}, newer than this Clawgate understands (${SCHEMA_VERSION}); upgrade Clawgate`);
  }
  if (version !== manifest.schemaVersion) throw backupInvalid(archive, 'schema-mismatch', `its store has schema version ${version}, the manifest says ${manifest.schemaVersion}`);
  const c = manifest.counts;
  if (counts.devices !== c.devices || counts.tokens !== c.tokens || counts.activeTokens !== c.activeTokens || counts.pendingRequests !== c.pendingRequests) {
    throw backupInvalid(archive, 'counts-mismatch', `its store's row counts differ from the manifest`);
  }
}

function checkSmallFiles(archive: string, dir: string, files: ReadonlySet<string>): void {
  if (files.has(CONFIG_ENTRY)) {
    try {
      loadConfig(join(dir, CONFIG_ENTRY));
    } catch (err) {
      const problem = err instanceof ClawgateError ? err.message.replace(join(dir, CONFIG_ENTRY), CONFIG_ENTRY) : String(err);
      throw backupInvalid(archive, 'config-invalid', `its ${CONFIG_ENTRY} would not load: ${problem}`);
    }
  }
  for (const entry of [IDENTITY_ENTRY, TOKEN_CACHE_ENTRY]) {
    if (!files.has(entry)) continue;
    try {
      JSON.parse(readFileSync(join(dir, entry), 'utf8'));
    } catch {
      throw backupInvalid(archive, 'identity-invalid', `its ${entry} is not JSON`, { entry });
    }
  }
}

/**
 * Check a backup completely: bounded extraction into `dir` (an empty private dir the caller owns and
 * removes), manifest, every size and checksum, PRAGMA integrity_check, schema version, row counts, config.
 * Any problem is BACKUP_INVALID with a stable details.reason.
 */
export async function verifyBackup(archive: string, dir: string, limits: BackupLimits = DEFAULT_LIMITS): Promise<VerifiedBackup> {
  const files = await extractArchive(archive, dir, limits);
  if (!files.has(MANIFEST_ENTRY)) throw backupInvalid(archive, 'missing-manifest', `it has no ${MANIFEST_ENTRY}; it was not made by clawgate backup create`);
  const manifest = parseManifest(readFileSync(join(dir, MANIFEST_ENTRY), 'utf8'), archive);
  checkFiles(archive, manifest, files);
  checkStore(archive, manifest, join(dir, DB_ENTRY));
  checkSmallFiles(archive, dir, new Set(files.keys()));
  return { archive, dir, manifest, integrity: 'ok' };
}
