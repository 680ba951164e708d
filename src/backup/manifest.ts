import { Type, type Static } from '@sinclair/typebox';
import { compile } from '../protocol/schema.js';
import { backupInvalid } from './backup-error.js';

/** Marks a manifest as ours. */
export const BACKUP_FORMAT = 'clawgate-backup';
/** Archive layout version; a reader refuses a newer one rather than guessing. */
export const BACKUP_FORMAT_VERSION = 1;
/** The manifest's name inside the archive. */
export const MANIFEST_ENTRY = 'manifest.json';
/** Archive entry names of the backed-up files, relative to the state dir (the only ones a backup may hold). */
export const DB_ENTRY = 'state.db';
export const CONFIG_ENTRY = 'clawgate.json';
export const IDENTITY_ENTRY = 'identity/device.json';
export const TOKEN_CACHE_ENTRY = 'identity/device-auth.json';
export const FILE_ENTRIES: readonly string[] = [DB_ENTRY, CONFIG_ENTRY, IDENTITY_ENTRY, TOKEN_CACHE_ENTRY];

/** Largest archive file we read (compressed). A personal gateway's store is far smaller. */
export const MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024;
/** Largest state.db inside an archive. */
export const MAX_DB_ENTRY_BYTES = 2 * 1024 * 1024 * 1024;
/** Largest manifest, config or identity file inside an archive. */
export const MAX_SMALL_ENTRY_BYTES = 1024 * 1024;

/** Size limits applied while reading an archive; tests pass smaller ones. */
export interface BackupLimits {
  readonly maxArchiveBytes: number;
  readonly maxDbBytes: number;
  readonly maxSmallBytes: number;
}

export const DEFAULT_LIMITS: BackupLimits = { maxArchiveBytes: MAX_ARCHIVE_BYTES, maxDbBytes: MAX_DB_ENTRY_BYTES, maxSmallBytes: MAX_SMALL_ENTRY_BYTES };

/** The byte limit for one archive entry. */
export function entryLimit(name: string, limits: BackupLimits): number {
  return name === DB_ENTRY ? limits.maxDbBytes : limits.maxSmallBytes;
}

const FileSchema = Type.Object({
  path: Type.String({ maxLength: 64 }),
  size: Type.Integer({ minimum: 0 }),
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
});

const CountsSchema = Type.Object({
  devices: Type.Integer({ minimum: 0 }),
  tokens: Type.Integer({ minimum: 0 }),
  activeTokens: Type.Integer({ minimum: 0 }),
  pendingRequests: Type.Integer({ minimum: 0 }),
});

const ManifestSchema = Type.Object({
  format: Type.Literal(BACKUP_FORMAT),
  formatVersion: Type.Integer({ minimum: 1 }),
  clawgateVersion: Type.String({ maxLength: 64 }),
  createdAt: Type.String({ maxLength: 64 }),
  createdAtMs: Type.Integer({ minimum: 0 }),
  schemaVersion: Type.Integer({ minimum: 0 }),
  stateDirId: Type.String({ maxLength: 64 }),
  counts: CountsSchema,
  files: Type.Array(FileSchema, { maxItems: 16 }),
});

/** What manifest.json says about a backup. */
export type Manifest = Static<typeof ManifestSchema>;
/** One backed-up file: archive path, byte size, hex SHA-256. */
export type ManifestFile = Static<typeof FileSchema>;
/** Row counts of the backed-up store. */
export type StoreCounts = Static<typeof CountsSchema>;

const manifestValidator = compile(ManifestSchema);

/** Parse and check manifest.json; every problem is BACKUP_INVALID with a reason. */
export function parseManifest(text: string, archive: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw backupInvalid(archive, 'bad-manifest', `${MANIFEST_ENTRY} is not JSON (${(err as Error).message})`);
  }
  const version = (value as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > BACKUP_FORMAT_VERSION) {
    throw backupInvalid(archive, 'newer-format', `it has format version ${version}, newer than this Clawgate reads (${BACKUP_FORMAT_VERSION}); upgrade Clawgate`);
  }
  if (!manifestValidator.check(value)) {
    throw backupInvalid(archive, 'bad-manifest', `${MANIFEST_ENTRY} is malformed: ${manifestValidator.errors(value).join('; ')}`);
  }
  const seen = new Set<string>();
  for (const f of value.files) {
    if (!FILE_ENTRIES.includes(f.path)) throw backupInvalid(archive, 'bad-manifest', `${MANIFEST_ENTRY} lists an unexpected file "${f.path}"`);
    if (seen.has(f.path)) throw backupInvalid(archive, 'bad-manifest', `${MANIFEST_ENTRY} lists "${f.path}" twice`);
    seen.add(f.path);
  }
  if (!seen.has(DB_ENTRY)) throw backupInvalid(archive, 'bad-manifest', `${MANIFEST_ENTRY} does not list ${DB_ENTRY}`);
  return value;
}
