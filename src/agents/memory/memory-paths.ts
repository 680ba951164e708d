import { realpathSync } from 'node:fs';
import { isAbsolute, posix, relative, resolve, sep } from 'node:path';
import { ClawgateError } from '../../protocol/error-catalogue.js';

/** The top-level note file of a workspace. */
export const MEMORY_FILE = 'MEMORY.md';
/** The folder of further notes (memory/*.md). */
export const MEMORY_DIR = 'memory';

/** Where notes go, for hints to the model and the owner. */
export const MEMORY_HINT = `notes go in ${MEMORY_FILE} or ${MEMORY_DIR}/*.md in the agent's workspace`;

/** True for a workspace-relative POSIX path that is a memory note: MEMORY.md or memory/**.md, no `..`. */
export function isMemoryRel(rel: string): boolean {
  if (rel === MEMORY_FILE) return true;
  if (!rel.startsWith(`${MEMORY_DIR}/`) || !rel.toLowerCase().endsWith('.md')) return false;
  return rel.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/** The workspace's real path, or undefined while it does not exist. */
export function realWorkspace(workspace: string): string | undefined {
  try {
    return realpathSync(workspace);
  } catch {
    return undefined;
  }
}

/**
 * Where a real (symlink-free) path sits in the real workspace, as a POSIX relative path; undefined when it is
 * outside. Written here rather than shared with the workspace tools for now (to be unified).
 */
export function relInside(realWs: string, realPath: string): string | undefined {
  if (realPath !== realWs && !realPath.startsWith(realWs.endsWith(sep) ? realWs : realWs + sep)) return undefined;
  return relative(realWs, realPath).split(sep).join('/');
}

/** A memory note memory_get may read: its relative path as asked and the real file behind it. */
export interface MemoryTarget {
  readonly rel: string;
  /** undefined when no such file exists (yet). */
  readonly real: string | undefined;
}

function refuse(requested: string, why: string): never {
  throw new ClawgateError('MEMORY_PATH_REFUSED', `memory path ${JSON.stringify(requested.slice(0, 200))} refused: ${why}; ${MEMORY_HINT} (see memory_search for the paths it knows)`, { path: requested.slice(0, 200) });
}

/**
 * Resolve a path the model gave (relative to the workspace, or absolute inside it) to a memory note. Refused
 * (MEMORY_PATH_REFUSED): anything that is not MEMORY.md or memory/**.md, `..` escapes, and a note whose real
 * path (symlinks followed) is outside the workspace or is not itself a memory note path there.
 */
export function resolveMemoryPath(workspace: string, requested: string): MemoryTarget {
  if (requested.includes('\0') || requested.includes('\\')) refuse(requested, 'it contains a NUL or a backslash');
  const absWs = resolve(workspace);
  let rel = requested;
  if (isAbsolute(requested)) {
    const inside = relInside(absWs, resolve(requested));
    if (inside === undefined) refuse(requested, 'it is outside the workspace');
    rel = inside;
  }
  rel = posix.normalize(rel.replace(/^(\.\/)+/, ''));
  if (!isMemoryRel(rel)) refuse(requested, `only ${MEMORY_FILE} and ${MEMORY_DIR}/**/*.md are memory`);
  const realWs = realWorkspace(absWs);
  if (realWs === undefined) return { rel, real: undefined };
  let real: string;
  try {
    real = realpathSync(resolve(realWs, rel));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { rel, real: undefined };
    throw err;
  }
  const realRel = relInside(realWs, real);
  if (realRel === undefined) refuse(requested, 'it is a symlink to a file outside the workspace');
  if (!isMemoryRel(realRel)) refuse(requested, `it is a symlink to ${realRel}, which is not a memory note`);
  return { rel, real };
}
