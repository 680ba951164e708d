import { lstat, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { ClawgateError } from '../../protocol/error-catalogue.js';
import { MAX_PATH_CHARS, MAX_SYMLINK_HOPS } from './limits.js';

/** A path a file tool may use: inside the workspace as written, and after every symlink is resolved. */
export interface ConfinedPath {
  /** The workspace's real path (the configured path with its symlinks resolved). */
  readonly root: string;
  /** The real absolute path: symlinks resolved; components that do not exist yet appended as written. */
  readonly real: string;
  /** `real` relative to the root, `.` for the root itself (what messages show). */
  readonly rel: string;
  /** Whether something exists at `real` now. */
  readonly exists: boolean;
}

/** Whether `p` is `root` or below it (a sibling that merely starts with the same characters is not). */
export function isInside(root: string, p: string): boolean {
  if (p === root) return true;
  return p.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** A path relative to the workspace root for messages (`.` for the root). */
export function relativeToRoot(root: string, p: string): string {
  return relative(root, p) || '.';
}

function codeOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

function loopError(path: string, workspace: string): ClawgateError {
  return new ClawgateError('FILE_REFUSED', `path "${path}" goes through more than ${MAX_SYMLINK_HOPS} symlinks (a symlink loop?) in workspace ${workspace}; use a path without the loop`, { path, workspace });
}

/**
 * The real path of `p`, which need not exist: realpath where it does; else the real path of its parent
 * plus its name, where a dangling symlink is followed to its target (writing through it would create the
 * target, so the target is what must stay inside).
 */
async function realOf(p: string, hops: { n: number }, onLoop: () => ClawgateError): Promise<string> {
  try {
    return await realpath(p);
  } catch (err) {
    const code = codeOf(err);
    if (code === 'ELOOP') throw onLoop();
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
  }
  const parent = dirname(p);
  if (parent === p) return p;
  const parentReal = await realOf(parent, hops, onLoop);
  const here = join(parentReal, basename(p));
  let isLink: boolean;
  try {
    isLink = (await lstat(here)).isSymbolicLink();
  } catch {
    return here;
  }
  if (!isLink) return here;
  if (++hops.n > MAX_SYMLINK_HOPS) throw onLoop();
  // A relative target is relative to the link's real directory, as the kernel resolves it.
  return realOf(resolve(parentReal, await readlink(here)), hops, onLoop);
}

function checkShape(path: string, workspace: string): void {
  if (path.length === 0) throw new ClawgateError('INVALID_PARAMS', `path is empty: give a path relative to the workspace ${workspace} (or "." for the workspace itself)`, { workspace });
  if (path.includes('\0')) throw new ClawgateError('INVALID_PARAMS', `path ${JSON.stringify(path)} contains a NUL character; give a plain path relative to the workspace ${workspace}`, { workspace });
  if (path.length > MAX_PATH_CHARS) throw new ClawgateError('INVALID_PARAMS', `path is ${path.length} characters long, more than ${MAX_PATH_CHARS}; use a shorter path in the workspace ${workspace}`, { workspace });
}

/** The workspace's real path; FILE_NOT_FOUND when it does not exist. */
export async function workspaceRoot(workspace: string): Promise<string> {
  try {
    return await realpath(workspace);
  } catch (err) {
    if (codeOf(err) === 'ENOENT') throw new ClawgateError('FILE_NOT_FOUND', `the workspace ${workspace} does not exist; it is created again at the start of the next run`, { workspace });
    throw err;
  }
}

/**
 * Resolve a file tool's path (relative to the workspace, or absolute inside it) to a real path inside the
 * workspace. Refused with WORKSPACE_PATH_ESCAPE: a path that is outside as written (`..` climbing out, an
 * absolute path elsewhere, a lookalike sibling such as `ws-evil` next to `ws`), and one whose symlinks, at any
 * component, dangling or chained, lead outside. Paths that do not exist yet are checked through their deepest
 * existing ancestor. Empty paths and NUL characters are INVALID_PARAMS.
 */
export async function confinePath(workspace: string, path: string): Promise<ConfinedPath> {
  checkShape(path, workspace);
  const configured = resolve(workspace);
  const root = await workspaceRoot(configured);
  const written = resolve(configured, path);
  if (!isInside(configured, written) && !isInside(root, written)) {
    throw new ClawgateError('WORKSPACE_PATH_ESCAPE', `path "${path}" is outside the workspace ${workspace}; file tools work only inside it: use a path relative to the workspace`, { path, workspace });
  }
  const real = await realOf(written, { n: 0 }, () => loopError(path, workspace));
  if (!isInside(root, real)) {
    throw new ClawgateError('WORKSPACE_PATH_ESCAPE', `path "${path}" leads outside the workspace ${workspace} through a symlink (it resolves to ${real}); file tools work only inside the workspace`, { path, workspace, resolved: real });
  }
  let exists = true;
  try {
    await lstat(real);
  } catch {
    exists = false;
  }
  return { root, real, rel: relativeToRoot(root, real), exists };
}
