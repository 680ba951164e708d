import { ClawgateError } from '../protocol/error-catalogue.js';

/** Stable reasons a backup is refused (details.reason), for scripts and tests. */
export type BackupInvalidReason =
  | 'unreadable'
  | 'too-large'
  | 'corrupt-archive'
  | 'unsafe-path'
  | 'unexpected-entry'
  | 'duplicate-entry'
  | 'missing-manifest'
  | 'bad-manifest'
  | 'newer-format'
  | 'missing-file'
  | 'size-mismatch'
  | 'checksum-mismatch'
  | 'integrity'
  | 'schema-newer'
  | 'schema-mismatch'
  | 'counts-mismatch'
  | 'config-invalid'
  | 'identity-invalid';

/** BACKUP_INVALID naming the archive, the reason and what to do next. */
export function backupInvalid(archive: string, reason: BackupInvalidReason, problem: string, details: Record<string, unknown> = {}): ClawgateError {
  return new ClawgateError(
    'BACKUP_INVALID',
    `backup ${archive} is invalid (${reason}): ${problem}. Nothing was changed; use another backup (ls <state>/backups) or create a new one with clawgate backup create`,
    { archive, reason, ...details },
  );
}
