import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ClawgateError } from '../../protocol/error-catalogue.js';
import { BOOTSTRAP_FILES, BOOTSTRAP_TEMPLATES, DAILY_NOTES_DIR } from './bootstrap-templates.js';

/** Workspaces this process has seen in place: later runs cost one stat. */
const seen = new Set<string>();

async function isDirectory(dir: string): Promise<boolean | undefined> {
  try {
    return (await stat(dir)).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function writeStarter(path: string, content: string): Promise<void> {
  try {
    // 'wx': never overwrite, also when another gateway or run creates the same file at the same moment.
    await writeFile(path, content, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/**
 * Make sure an agent's workspace exists: on first use create it (0700) with the starter files (AGENTS.md,
 * SOUL.md, USER.md, MEMORY.md) and memory/ for daily notes. A folder that already holds anything (say, a
 * project the owner pointed the agent at) gets no starter files, and no existing file is ever overwritten.
 * Runs before every run: once a workspace is known, it costs one stat. Returns whether it wrote the starters.
 */
export async function ensureWorkspace(dir: string): Promise<boolean> {
  const present = await isDirectory(dir);
  if (present === false) throw new ClawgateError('FILE_REFUSED', `the workspace ${dir} is not a directory; move that file away or set agents.list[].workspace to a directory`, { workspace: dir });
  if (present && seen.has(dir)) return false;
  if (present && (await readdir(dir)).length > 0) {
    seen.add(dir);
    return false;
  }
  await mkdir(join(dir, DAILY_NOTES_DIR), { recursive: true, mode: 0o700 });
  for (const name of BOOTSTRAP_FILES) await writeStarter(join(dir, name), BOOTSTRAP_TEMPLATES[name]);
  seen.add(dir);
  return true;
}
