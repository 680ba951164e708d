import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_MEMORY_DEPTH, MAX_MEMORY_FILES } from './memory-limits.js';
import { isMemoryRel, MEMORY_DIR, MEMORY_FILE, realWorkspace, relInside } from './memory-paths.js';

/** A note file as found: its workspace-relative path, the real file behind it, and its stat stamp. */
export interface MemoryFileStat {
  readonly rel: string;
  readonly real: string;
  readonly mtimeMs: number;
  readonly size: number;
}

/** What a walk of a workspace's notes found. */
export interface MemoryListing {
  /** Note files, in path order (at most MAX_MEMORY_FILES). */
  readonly files: MemoryFileStat[];
  /** Real folders looked in (the workspace and memory/ folders), for change watching. */
  readonly dirs: string[];
  /** More notes exist than MAX_MEMORY_FILES. */
  readonly truncated: boolean;
  /** Paths left out because they lead outside the workspace or outside the memory paths (symlinks). */
  readonly refused: string[];
}

/** The real path and workspace-relative real path of abs; undefined when it does not exist. */
function realOf(realWs: string, abs: string): { real: string; rel: string | undefined } | undefined {
  try {
    const real = realpathSync(abs);
    return { real, rel: relInside(realWs, real) };
  } catch {
    return undefined;
  }
}

const isMemoryDirRel = (rel: string | undefined): boolean => rel === MEMORY_DIR || (rel !== undefined && rel.startsWith(`${MEMORY_DIR}/`));

/**
 * List MEMORY.md and memory/**.md of a workspace with one stat each. Hidden entries are skipped; a symlink
 * counts only when its real target is a memory path inside the workspace; depth and count are bounded.
 */
export function listMemoryFiles(workspace: string): MemoryListing {
  const realWs = realWorkspace(workspace);
  const files: MemoryFileStat[] = [];
  const dirs: string[] = [];
  const refused: string[] = [];
  let truncated = false;
  if (realWs === undefined) return { files, dirs, truncated, refused };
  dirs.push(realWs);
  const addFile = (rel: string, abs: string): void => {
    const found = realOf(realWs, abs);
    if (found === undefined) return;
    if (found.rel === undefined || !isMemoryRel(found.rel)) {
      refused.push(rel);
      return;
    }
    const st = statSync(found.real, { throwIfNoEntry: false });
    if (!st?.isFile()) return;
    if (files.length >= MAX_MEMORY_FILES) {
      truncated = true;
      return;
    }
    files.push({ rel, real: found.real, mtimeMs: st.mtimeMs, size: st.size });
  };
  const walk = (rel: string, abs: string, depth: number): void => {
    const found = realOf(realWs, abs);
    if (found === undefined) return;
    if (!isMemoryDirRel(found.rel)) {
      refused.push(rel);
      return;
    }
    let entries;
    try {
      entries = readdirSync(found.real, { withFileTypes: true });
    } catch {
      return;
    }
    dirs.push(found.real);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.') || truncated) continue;
      const childRel = `${rel}/${e.name}`;
      const childAbs = join(found.real, e.name);
      const isDir = e.isDirectory() || (e.isSymbolicLink() && statSync(childAbs, { throwIfNoEntry: false })?.isDirectory() === true);
      if (isDir) {
        if (depth < MAX_MEMORY_DEPTH) walk(childRel, childAbs, depth + 1);
      } else if (e.name.toLowerCase().endsWith('.md')) addFile(childRel, childAbs);
    }
  };
  addFile(MEMORY_FILE, join(realWs, MEMORY_FILE));
  walk(MEMORY_DIR, join(realWs, MEMORY_DIR), 0);
  return { files, dirs, truncated, refused };
}
