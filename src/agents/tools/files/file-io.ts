import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { confinePath, type ConfinedPath } from '../../workspace/confine.js';
import { BINARY_SNIFF_BYTES } from './limits.js';

/** Whether bytes look binary: a NUL in the first BINARY_SNIFF_BYTES. */
export function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}

/** FILE_NOT_FOUND for a path the tool expected to exist. */
export function notFound(p: ConfinedPath, path: string): ClawgateError {
  return new ClawgateError('FILE_NOT_FOUND', `no file "${path}" in the workspace ${p.root}; list a folder with ls, or search with grep`, { path });
}

/** FILE_REFUSED for a binary file. */
export function binaryRefused(path: string): ClawgateError {
  return new ClawgateError('FILE_REFUSED', `"${path}" is a binary file (it has NUL bytes in its first ${BINARY_SNIFF_BYTES} bytes); the file tools work on text only`, { path });
}

/** An open regular file, confined, never through a symlink in its last component. */
export interface OpenedFile {
  readonly path: ConfinedPath;
  readonly fh: FileHandle;
  readonly size: number;
  readonly mode: number;
}

/**
 * Open an existing regular file in the workspace for reading. O_NOFOLLOW refuses a final component swapped
 * for a symlink after the path was checked; O_NONBLOCK keeps a FIFO from blocking the run. Directories are
 * refused with a hint to use ls.
 */
export async function openForRead(workspace: string, path: string): Promise<OpenedFile> {
  const p = await confinePath(workspace, path);
  if (!p.exists) throw notFound(p, path);
  let fh: FileHandle;
  try {
    fh = await open(p.real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw notFound(p, path);
    if (code === 'ELOOP') throw new ClawgateError('FILE_REFUSED', `"${path}" changed into a symlink while it was opened; try again`, { path });
    throw err;
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new ClawgateError('FILE_REFUSED', `"${path}" is a directory, not a file; list it with ls`, { path });
    if (!st.isFile()) throw new ClawgateError('FILE_REFUSED', `"${path}" is not a regular file (a device, socket or FIFO); the file tools read regular files only`, { path });
    return { path: p, fh, size: st.size, mode: st.mode & 0o7777 };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/** A text file read whole: refused when larger than `maxBytes` (naming `tool` and the cap) or binary. */
export async function readTextFile(workspace: string, path: string, maxBytes: number, tool: string): Promise<{ path: ConfinedPath; text: string; mode: number }> {
  const f = await openForRead(workspace, path);
  try {
    if (f.size > maxBytes) throw new ClawgateError('FILE_REFUSED', `"${path}" is ${f.size} bytes, more than ${tool} handles (${maxBytes}); change it in parts with exec, or split the file`, { path, size: f.size, max: maxBytes });
    const buf = Buffer.alloc(f.size);
    let filled = 0;
    while (filled < buf.length) {
      const { bytesRead } = await f.fh.read(buf, filled, buf.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    const bytes = buf.subarray(0, filled);
    if (looksBinary(bytes)) throw binaryRefused(path);
    return { path: f.path, text: bytes.toString('utf8'), mode: f.mode };
  } finally {
    await f.fh.close();
  }
}

/** A file written next to its destination, not yet in place: commit() renames it over, discard() removes it. */
export interface StagedFile {
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/**
 * Write `data` to a temp file beside `real` (creating missing parent folders 0700), flushed to disk, with
 * `mode` (0600 for a new file): nothing is visible at `real` until commit(), and a rename never follows a
 * symlink at the destination.
 */
export async function stageWrite(real: string, data: string, mode = 0o600): Promise<StagedFile> {
  await mkdir(dirname(real), { recursive: true, mode: 0o700 });
  const temp = join(dirname(real), `.${basename(real)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  let written = false;
  try {
    await fh.writeFile(data, 'utf8');
    // The mode given to open is narrowed by the umask; an existing file's mode is kept exactly.
    await fh.chmod(mode);
    await fh.sync();
    written = true;
  } finally {
    await fh.close();
    if (!written) await unlink(temp).catch(() => undefined);
  }
  return {
    commit: () => rename(temp, real),
    discard: () => unlink(temp).catch(() => undefined),
  };
}

/** Replace (or create) `real` atomically: readers see the old content or the new, never a part. */
export async function atomicWrite(real: string, data: string, mode?: number): Promise<void> {
  const staged = await stageWrite(real, data, mode);
  try {
    await staged.commit();
  } catch (err) {
    await staged.discard();
    throw err;
  }
}

/** The mode of an existing regular file at `real` (undefined when none); a directory is FILE_REFUSED. */
export async function existingMode(real: string, path: string): Promise<number | undefined> {
  try {
    const st = await stat(real);
    if (st.isDirectory()) throw new ClawgateError('FILE_REFUSED', `"${path}" is a directory; give a file path`, { path });
    if (!st.isFile()) throw new ClawgateError('FILE_REFUSED', `"${path}" is not a regular file; the file tools write regular files only`, { path });
    return st.mode & 0o7777;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}
