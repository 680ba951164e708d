import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { confinePath, relativeToRoot } from '../../workspace/confine.js';
import { defineTool } from '../tool.js';
import { notFound } from './file-io.js';
import { GREP_SKIPPED_DIRS, LS_DEFAULT_DEPTH, LS_MAX_DEPTH, LS_MAX_ENTRIES } from './limits.js';

/** One line of the listing: a folder ends with `/`, a file shows its size, a symlink its target (never followed). */
async function describe(abs: string, rel: string, kind: 'dir' | 'file' | 'link' | 'other'): Promise<string> {
  if (kind === 'dir') return `${rel}/`;
  if (kind === 'link') return `${rel} -> ${await readlink(abs).catch(() => '?')}`;
  const st = await lstat(abs).catch(() => undefined);
  if (kind === 'file') return `${rel}  ${st?.size ?? '?'} bytes`;
  return `${rel}  (${st?.isFIFO() ? 'fifo' : st?.isSocket() ? 'socket' : 'device'})`;
}

/** ls: a folder's entries, a few levels deep. */
export const lsTool = defineTool({
  name: 'ls',
  description: `List a folder in the workspace: folders end with "/", files show their size, symlinks their target (not followed). Paths are relative to the workspace. depth 1 (default) lists one level; up to ${LS_MAX_DEPTH}. .git and node_modules are shown but not opened.`,
  parameters: Type.Object(
    {
      path: Type.Optional(Type.String({ description: 'Folder, relative to the workspace. Default: the workspace itself.' })),
      depth: Type.Optional(Type.Integer({ minimum: 1, maximum: LS_MAX_DEPTH, description: `Levels to list. Default ${LS_DEFAULT_DEPTH}.` })),
    },
    { additionalProperties: false },
  ),
  async execute(args, ctx) {
    const path = args.path ?? '.';
    const p = await confinePath(ctx.agent.workspace, path);
    if (!p.exists) throw notFound(p, path);
    const top = await lstat(p.real);
    if (!top.isDirectory()) throw new ClawgateError('FILE_REFUSED', `"${path}" is a file (${top.size} bytes), not a folder; read it with read`, { path });
    const depth = args.depth ?? LS_DEFAULT_DEPTH;
    const lines: string[] = [];
    let total = 0;
    // Depth first, names sorted, so a folder's contents follow it.
    const walk = async (dir: string, level: number): Promise<void> => {
      const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        total++;
        if (lines.length >= LS_MAX_ENTRIES) continue;
        const abs = join(dir, e.name);
        const rel = relativeToRoot(p.root, abs);
        const kind = e.isSymbolicLink() ? 'link' : e.isDirectory() ? 'dir' : e.isFile() ? 'file' : 'other';
        lines.push(await describe(abs, rel, kind));
        if (kind === 'dir' && level < depth && !GREP_SKIPPED_DIRS.includes(e.name)) await walk(abs, level + 1);
      }
    };
    await walk(p.real, 1);
    if (total === 0) return `[ls ${p.rel}: empty folder]`;
    const capped = total > lines.length ? `; showing the first ${lines.length} of ${total}: list a subfolder for the rest` : '';
    return `[ls ${p.rel}: ${lines.length} entries, depth ${depth}${capped}]\n${lines.join('\n')}`;
  },
});
