import { readFileSync, statSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { DEFAULT_GET_LINES, MAX_GET_LINES, MAX_MEMORY_FILE_BYTES } from '../../memory/memory-limits.js';
import { MEMORY_HINT, resolveMemoryPath } from '../../memory/memory-paths.js';
import { defineTool } from '../tool.js';

/** memory_get: a range of lines of one note, confined to MEMORY.md and memory/**.md of the workspace. */
export const memoryGet = defineTool({
  name: 'memory_get',
  description: 'Read lines of one of your notes: path is MEMORY.md or memory/<name>.md (as memory_search returns it); from is the first line (1-based), lines how many.',
  parameters: Type.Object(
    {
      path: Type.String({ minLength: 1, maxLength: 1024 }),
      from: Type.Optional(Type.Integer({ minimum: 1 })),
      lines: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_GET_LINES })),
    },
    { additionalProperties: false },
  ),
  execute(args, ctx) {
    const target = resolveMemoryPath(ctx.agent.workspace, args.path);
    const st = target.real !== undefined ? statSync(target.real, { throwIfNoEntry: false }) : undefined;
    if (target.real === undefined || !st?.isFile()) return { path: target.rel, missing: true, hint: `no note ${target.rel} yet; ${MEMORY_HINT}` };
    if (st.size > MAX_MEMORY_FILE_BYTES) {
      throw new ClawgateError('INVALID_PARAMS', `${target.rel} is larger than ${MAX_MEMORY_FILE_BYTES} bytes, more than memory_get reads; split it into smaller notes under memory/`, { path: target.rel });
    }
    const all = readFileSync(target.real, 'utf8').split(/\r?\n/);
    // A file ending in a newline has no extra empty last line.
    if (all.length > 1 && all[all.length - 1] === '') all.pop();
    const from = args.from ?? 1;
    const count = args.lines ?? DEFAULT_GET_LINES;
    const slice = all.slice(from - 1, from - 1 + count);
    const to = from + slice.length - 1;
    return {
      path: target.rel,
      from,
      to: Math.max(from - 1, to),
      totalLines: all.length,
      text: slice.join('\n'),
      ...(slice.length === 0 ? { hint: `${target.rel} has ${all.length} lines` } : to < all.length ? { more: `lines ${to + 1}-${all.length} remain (from: ${to + 1})` } : {}),
    };
  },
});
