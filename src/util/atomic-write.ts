import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { asStorageError } from './storage-error.js';

/** Hook for crash-injection tests: called after the temp file is durable, before the rename. */
export type BeforeRename = (tempPath: string) => void;

/** Hook for failure-injection tests: replaces the write of the content into the temp file. */
export type WriteContent = (fd: number, content: string | Buffer) => void;

/** Test seams of writeFileAtomic; production code passes none. */
export interface AtomicWriteHooks {
  beforeRename?: BeforeRename | undefined;
  write?: WriteContent | undefined;
}

/** write(2) may stop short (a disk that fills up mid-write): loop until all is written or it fails. */
function writeAll(fd: number, content: string | Buffer): void {
  const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
}

/**
 * Write a file so that readers see either the old content or the new, never a torn one:
 * temp file in the same dir (mode 0600), fsync, rename, fsync the dir. On any failure the temp file is
 * removed (nothing half-written is left behind) and a full or read-only disk is DISK_FULL or
 * READ_ONLY_FILESYSTEM naming the mount.
 */
export function writeFileAtomic(path: string, content: string | Buffer, hooks?: BeforeRename | AtomicWriteHooks): void {
  const { beforeRename, write } = typeof hooks === 'function' ? { beforeRename: hooks, write: undefined } : (hooks ?? {});
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const fd = openSync(temp, 'wx', 0o600);
    try {
      (write ?? writeAll)(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    beforeRename?.(temp);
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw asStorageError(err, path);
  }
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // Directory fsync is best effort (not supported on every platform).
  }
}

/** Copy a file with the same guarantee (a `.bak` is whole or absent, never a torn copy). */
export function copyFileAtomic(from: string, to: string): void {
  let content: Buffer;
  try {
    content = readFileSync(from);
  } catch (err) {
    throw asStorageError(err, from);
  }
  writeFileAtomic(to, content);
}
