import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { StatePaths } from '../config/paths.js';
import { acquireLock, type GatewayLock } from '../util/gateway-lock.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { VERSION } from '../version.js';
import { activateBackup } from './activate.js';
import { backupsDirOf } from './create.js';
import { mkdirPrivate } from './files.js';
import { DEFAULT_LIMITS, type BackupLimits, type Manifest } from './manifest.js';
import { rollbackDiff, type RollbackDiff } from './rollback-diff.js';
import { verifyBackup } from './verify.js';

export interface RestoreOptions {
  /** Activate; without it the diff is computed and nothing changes. */
  yes: boolean;
  now?: Date;
  limits?: BackupLimits;
  /** Test hook: called after the archive is verified and staged, while gateway.lock is held. */
  onStaged?: () => Promise<void> | void;
}

/** What a restore found and did. */
export interface RestoreResult {
  archive: string;
  manifest: Manifest;
  diff: RollbackDiff;
  activated: boolean;
  /** Where the replaced state was kept (when activated). */
  replacedDir?: string;
}

/** Hold gateway.lock for the whole restore so no gateway starts meanwhile; a live gateway is refused by name. */
function lockForRestore(paths: StatePaths, archive: string): GatewayLock {
  try {
    return acquireLock(paths.lockPath, VERSION);
  } catch (err) {
    if (!(err instanceof ClawgateError) || err.code !== 'GATEWAY_ALREADY_RUNNING') throw err;
    const { pid, port } = err.details as { pid?: number; port?: number | null };
    throw new ClawgateError(
      'GATEWAY_ALREADY_RUNNING',
      `cannot restore while a gateway runs on this state dir (pid ${pid ?? '?'}, port ${port ?? 'starting'}); stop it with clawgate gateway stop, then run clawgate backup restore ${archive}`,
      err.details,
    );
  }
}

/**
 * `backup restore`: with gateway.lock held, verify the archive into a staging dir, compute what would roll
 * back, and (only with `yes`) activate it, keeping the replaced state. Without `yes` no file of the state dir
 * is created or changed (gateway.lock is held and released; a stale one is reclaimed).
 */
export async function restoreBackup(paths: StatePaths, file: string, opts: RestoreOptions): Promise<RestoreResult> {
  const archive = resolve(file);
  const lock = lockForRestore(paths, archive);
  const backupsDir = backupsDirOf(paths);
  let staging: string | undefined;
  try {
    // Activation renames staged files into place, so they must be on the state dir's file system; a dry run
    // stages in a private temp dir instead and leaves the state dir as it found it (no backups/ dir either).
    if (opts.yes) {
      mkdirPrivate(backupsDir);
      staging = mkdtempSync(`${backupsDir}/.restore-staging-`);
    } else {
      staging = mkdtempSync(join(tmpdir(), 'clawgate-restore-staging-'));
    }
    const verified = await verifyBackup(archive, staging, opts.limits ?? DEFAULT_LIMITS);
    await opts.onStaged?.();
    const diff = await rollbackDiff(paths, staging, verified.manifest);
    const result: RestoreResult = { archive, manifest: verified.manifest, diff, activated: false };
    if (!opts.yes) return result;
    result.replacedDir = activateBackup(paths, staging, backupsDir, archive, verified.manifest, opts.now ?? new Date());
    result.activated = true;
    return result;
  } finally {
    if (staging) rmSync(staging, { recursive: true, force: true });
    lock.release();
  }
}
