import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ClawgateError } from '../protocol/error-catalogue.js';

/** errno and SQLite codes that mean "the disk has no room" (EDQUOT: this user's quota is used up). */
const FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);
/** Codes that mean "this filesystem is mounted read-only". */
const READ_ONLY_CODES = new Set(['EROFS']);

/** The nearest existing ancestor of path (path itself when it exists). */
function existingAncestor(path: string): string {
  let p = resolve(path);
  for (;;) {
    try {
      statSync(p);
      return p;
    } catch {
      const up = dirname(p);
      if (up === p) return p;
      p = up;
    }
  }
}

/** The mount point that holds path: its highest ancestor on the same device (path need not exist yet). */
export function mountPointOf(path: string): string {
  let p = existingAncestor(path);
  try {
    const dev = statSync(p).dev;
    for (let up = dirname(p); up !== p && statSync(up).dev === dev; up = dirname(p)) p = up;
  } catch {
    // an ancestor we may not stat: the deepest one we could is the best answer
  }
  return p;
}

/**
 * A write that failed because the disk is full (DISK_FULL) or mounted read-only (READ_ONLY_FILESYSTEM),
 * as the error that names the place and the fix; undefined for any other failure. path is what was
 * being written (else the error's own path, when it has one).
 */
export function storageError(err: unknown, path?: string): ClawgateError | undefined {
  if (err instanceof ClawgateError) return err.kind === 'storage' ? err : undefined;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !(FULL_CODES.has(code) || READ_ONLY_CODES.has(code))) return undefined;
  const target = path ?? (err as NodeJS.ErrnoException).path;
  const where = target === undefined ? undefined : mountPointOf(target);
  const what = target === undefined ? 'cannot write' : `cannot write ${target}`;
  if (FULL_CODES.has(code)) {
    const fix = where === undefined ? 'free space on the disk that holds the state dir (df -h)' : `free space on ${where} (df -h ${where}), then run the command again`;
    return new ClawgateError('DISK_FULL', `${what}: no space left on the device (${code}); ${fix}`, { errno: code, ...(target ? { path: target } : {}), ...(where ? { mount: where } : {}) });
  }
  const fix = where === undefined ? 'make the state dir writable' : `remount ${where} read-write, or point CLAWGATE_STATE_DIR at a writable directory`;
  return new ClawgateError('READ_ONLY_FILESYSTEM', `${what}: the filesystem is read-only (${code}); ${fix}`, { errno: code, ...(target ? { path: target } : {}), ...(where ? { mount: where } : {}) });
}

/** The storage error for err when it is one, else err itself: for `throw asStorageError(err, path)`. */
export function asStorageError(err: unknown, path?: string): unknown {
  return storageError(err, path) ?? err;
}
