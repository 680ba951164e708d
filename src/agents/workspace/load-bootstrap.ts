import { constants, lstatSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { ClawgateError } from '../../protocol/error-catalogue.js';
import { BOOTSTRAP_FILES } from './bootstrap-templates.js';
import { confinePath } from './confine.js';
import { BOOTSTRAP_FILE_MAX_CHARS, BOOTSTRAP_READ_MAX_BYTES, BOOTSTRAP_TOTAL_MAX_CHARS } from './limits.js';

/** Least budget left worth showing a part of a file for; below it the file is only named. */
const MIN_USEFUL_CHARS = 200;

interface Loaded {
  readonly text: string;
  readonly size: number;
}

/** A bootstrap file's text (at most the read cap), or a reason it is skipped; undefined when missing. */
async function readBootstrapFile(dir: string, name: string): Promise<Loaded | { skipped: string } | undefined> {
  let real: string;
  try {
    const p = await confinePath(dir, name);
    if (!p.exists) return undefined;
    real = p.real;
  } catch (err) {
    if (err instanceof ClawgateError && err.code === 'WORKSPACE_PATH_ESCAPE') return { skipped: 'it is a symlink that leads outside the workspace' };
    if (err instanceof ClawgateError && err.code === 'FILE_NOT_FOUND') return undefined;
    throw err;
  }
  const fh = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { skipped: 'it is not a regular file' };
    const buf = Buffer.alloc(Math.min(st.size, BOOTSTRAP_READ_MAX_BYTES));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const bytes = buf.subarray(0, bytesRead);
    if (bytes.includes(0)) return { skipped: 'it is binary' };
    return { text: bytes.toString('utf8'), size: st.size };
  } finally {
    await fh.close();
  }
}

/** Cut `text` to `budget` characters, at a line end when one is near, with a marker saying how to read on. */
function cut(name: string, text: string, size: number, budget: number): string {
  let end = budget;
  const lastNewline = text.lastIndexOf('\n', budget - 1);
  if (lastNewline >= budget / 2) end = lastNewline + 1;
  const shown = text.slice(0, end);
  const nextLine = shown.split('\n').length - (shown.endsWith('\n') ? 0 : 1);
  return `${shown.endsWith('\n') ? shown : `${shown}\n`}[truncated: ${name} is ${size} bytes and only its first ${end} characters are shown here; read the rest with read (path "${name}", offset ${nextLine})]`;
}

/** Workspaces whose section is remembered (one per agent; a bound, not a working limit). */
const MAX_CACHED_WORKSPACES = 256;
const cache = new Map<string, { readonly stamp: string; readonly section: string | undefined }>();

/** A file changed this recently may change again within its timestamp's granularity unseen (git's "racy" files). */
const RACY_MS = 2000;

/**
 * What the files look like without reading them: one lstat each (of the directory too). Undefined when one
 * is a symlink, whose target's changes an lstat would not see, or was changed just now: those are read.
 */
function stampOf(dir: string): string | undefined {
  const parts: string[] = [];
  const racy = Date.now() - RACY_MS;
  for (const path of [dir, ...BOOTSTRAP_FILES.map((name) => join(dir, name))]) {
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (st?.isSymbolicLink() || (st && Math.max(st.mtimeMs, st.ctimeMs) > racy)) return undefined;
    parts.push(st ? `${st.ino}:${st.mode}:${st.size}:${st.mtimeMs}:${st.ctimeMs}` : '-');
  }
  return parts.join('|');
}

/**
 * The workspace's bootstrap files (AGENTS.md, SOUL.md, USER.md, MEMORY.md; missing and empty ones skipped)
 * as a system-prompt section, within a per-file and a total size budget: a cut file ends with a marker that
 * says so and how to read the rest. Undefined when there is nothing to show. Every run asks for it, so an
 * unchanged set of files is answered from memory: five lstat calls instead of about thirty file operations.
 */
export async function loadBootstrap(dir: string): Promise<string | undefined> {
  const stamp = stampOf(dir);
  const hit = cache.get(dir);
  if (stamp !== undefined && hit?.stamp === stamp) return hit.section;
  // Read after the stamp: a change in between leaves a stale stamp, so the next run reads again.
  const section = await readBootstrap(dir);
  if (stamp === undefined) return section;
  if (cache.size >= MAX_CACHED_WORKSPACES && !cache.has(dir)) cache.delete(cache.keys().next().value!);
  cache.set(dir, { stamp, section });
  return section;
}

async function readBootstrap(dir: string): Promise<string | undefined> {
  const sections: string[] = [];
  let left = BOOTSTRAP_TOTAL_MAX_CHARS;
  for (const name of BOOTSTRAP_FILES) {
    const file = await readBootstrapFile(dir, name);
    if (file === undefined) continue;
    if ('skipped' in file) {
      sections.push(`## ${name}\n\n[not loaded: ${file.skipped}]`);
      continue;
    }
    const text = file.text;
    if (text.trim() === '') continue;
    const budget = Math.min(BOOTSTRAP_FILE_MAX_CHARS, left);
    if (budget < MIN_USEFUL_CHARS) {
      sections.push(`## ${name}\n\n[not loaded: the size budget for these files is used up; read it with read (path "${name}")]`);
      continue;
    }
    const whole = text.length <= budget && file.size <= BOOTSTRAP_READ_MAX_BYTES;
    const body = whole ? text.trimEnd() : cut(name, text, file.size, budget);
    left -= body.length;
    sections.push(`## ${name}\n\n${body}`);
  }
  if (sections.length === 0) return undefined;
  return `# Workspace files\n\nThese files from your workspace are loaded at the start of every run; edit them to change what you start with next time.\n\n${sections.join('\n\n')}`;
}
