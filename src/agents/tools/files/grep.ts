import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Type } from '@sinclair/typebox';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { confinePath, relativeToRoot } from '../../workspace/confine.js';
import { defineTool } from '../tool.js';
import { looksBinary, notFound } from './file-io.js';
import { globMatches, globToRegExp } from './glob.js';
import {
  GREP_DEFAULT_RESULTS,
  GREP_LINE_CHARS,
  GREP_MAX_ENTRIES,
  GREP_MAX_FILE_BYTES,
  GREP_MAX_OUTPUT_CHARS,
  GREP_MAX_PATTERN_CHARS,
  GREP_MAX_RESULTS,
  GREP_MAX_SCAN_BYTES,
  GREP_SKIPPED_DIRS,
} from './limits.js';

/** What one search saw besides its matches, for the note under the results. */
interface Tally {
  files: number;
  entries: number;
  bytes: number;
  binary: number;
  large: number;
  stopped: string | undefined;
}

/**
 * A group holding a quantifier that is itself repeated, as in `(a+)+` or `(\w*){2,}`: the shape that makes a
 * backtracking engine take exponential time on a line that almost matches, blocking the whole gateway.
 */
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*(?:[+*]|\{\d+,?\d*\})(?:[^()\\]|\\.)*\)(?:[+*]|\{\d+,?\d*\})/;

/** Whether a pattern repeats a group that holds a quantifier. */
export function hasNestedQuantifier(pattern: string): boolean {
  return NESTED_QUANTIFIER.test(pattern);
}

function compile(pattern: string, ignoreCase: boolean): RegExp {
  if (pattern.length > GREP_MAX_PATTERN_CHARS) throw new ClawgateError('INVALID_PARAMS', `pattern is ${pattern.length} characters, more than ${GREP_MAX_PATTERN_CHARS}; use a shorter pattern`, { max: GREP_MAX_PATTERN_CHARS });
  if (hasNestedQuantifier(pattern)) throw new ClawgateError('INVALID_PARAMS', `pattern ${JSON.stringify(pattern)} repeats a group that holds a quantifier (like "(a+)+"), which can take exponential time; drop the outer or the inner repetition`, {});
  try {
    return new RegExp(pattern, ignoreCase ? 'i' : '');
  } catch (err) {
    throw new ClawgateError('INVALID_PARAMS', `pattern is not a valid JavaScript regular expression (${(err as Error).message}); escape special characters such as ( [ { . * + ? with a backslash`, {});
  }
}

/** A regular file's bytes, never through a symlink; undefined when it vanished or changed type. */
async function readRegular(abs: string, size: number): Promise<Buffer | undefined> {
  let fh;
  try {
    fh = await open(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    if (!(await fh.stat()).isFile()) return undefined;
    const buf = Buffer.alloc(size);
    const { bytesRead } = await fh.read(buf, 0, size, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** grep: search file contents in the workspace with a regular expression. */
export const grepTool = defineTool({
  name: 'grep',
  description: `Search text files in the workspace for a JavaScript regular expression, line by line. Results are "path:line: text", paths relative to the workspace. Narrow with path (a folder or file) and glob (e.g. "*.md", "src/**/*.ts"). Skips binary files, .git and node_modules; does not follow symlinks. At most maxResults matches (default ${GREP_DEFAULT_RESULTS}).`,
  parameters: Type.Object(
    {
      pattern: Type.String({ minLength: 1, description: 'JavaScript regular expression, e.g. "TODO|FIXME" or "function\\\\s+main".' }),
      path: Type.Optional(Type.String({ description: 'Folder or file to search, relative to the workspace. Default: the whole workspace.' })),
      glob: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Only files matching this glob: without "/" it matches file names, with "/" paths relative to path.' })),
      ignoreCase: Type.Optional(Type.Boolean({ description: 'Match case-insensitively. Default false.' })),
      maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: GREP_MAX_RESULTS, description: `Most matches to return. Default ${GREP_DEFAULT_RESULTS}.` })),
    },
    { additionalProperties: false },
  ),
  async execute(args, ctx) {
    const re = compile(args.pattern, args.ignoreCase ?? false);
    const glob = args.glob === undefined ? undefined : { re: globToRegExp(args.glob), hasSlash: args.glob.includes('/') };
    const path = args.path ?? '.';
    const p = await confinePath(ctx.agent.workspace, path);
    if (!p.exists) throw notFound(p, path);
    const limit = args.maxResults ?? GREP_DEFAULT_RESULTS;
    const results: string[] = [];
    let outChars = 0;
    let capped = false;
    const tally: Tally = { files: 0, entries: 0, bytes: 0, binary: 0, large: 0, stopped: undefined };

    const searchFile = async (abs: string, size: number): Promise<void> => {
      if (size > GREP_MAX_FILE_BYTES) {
        tally.large++;
        return;
      }
      if (tally.bytes + size > GREP_MAX_SCAN_BYTES) {
        tally.stopped = `stopped after reading ${tally.bytes} bytes (the cap is ${GREP_MAX_SCAN_BYTES})`;
        return;
      }
      const bytes = await readRegular(abs, size);
      if (!bytes) return;
      tally.bytes += bytes.length;
      tally.files++;
      if (looksBinary(bytes)) {
        tally.binary++;
        return;
      }
      const rel = relativeToRoot(p.root, abs);
      const lines = bytes.toString('utf8').split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
        if (!re.test(line)) continue;
        if (results.length >= limit) {
          capped = true;
          return;
        }
        const entry = `${rel}:${i + 1}: ${line.length > GREP_LINE_CHARS ? `${line.slice(0, GREP_LINE_CHARS)}…` : line}`;
        if (outChars + entry.length + 1 > GREP_MAX_OUTPUT_CHARS) {
          capped = true;
          return;
        }
        results.push(entry);
        outChars += entry.length + 1;
      }
    };

    const top = await lstat(p.real);
    if (top.isFile()) await searchFile(p.real, top.size);
    else if (top.isDirectory()) {
      const stack = [p.real];
      while (stack.length > 0 && !capped && !tally.stopped) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        const dir = stack.pop()!;
        const entries = (await readdir(dir, { withFileTypes: true }).catch(() => [])).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        const subdirs: string[] = [];
        for (const e of entries) {
          if (capped || tally.stopped) break;
          if (++tally.entries > GREP_MAX_ENTRIES) {
            tally.stopped = `stopped after ${GREP_MAX_ENTRIES} files and folders`;
            break;
          }
          const abs = join(dir, e.name);
          // Symlinks are never followed, so the search cannot leave the workspace or loop.
          if (e.isDirectory()) {
            if (!GREP_SKIPPED_DIRS.includes(e.name)) subdirs.push(abs);
            continue;
          }
          if (!e.isFile()) continue;
          if (glob && !globMatches(glob.re, glob.hasSlash, relative(p.real, abs))) continue;
          const st = await lstat(abs).catch(() => undefined);
          if (st?.isFile()) await searchFile(abs, st.size);
        }
        // Folders are searched in name order after the files beside them.
        stack.push(...subdirs.reverse());
      }
    }

    const notes: string[] = [];
    if (capped) notes.push(`results capped at ${results.length}: narrow the pattern, path or glob, or raise maxResults (up to ${GREP_MAX_RESULTS})`);
    if (tally.stopped) notes.push(`${tally.stopped}: narrow the path or glob`);
    if (tally.binary > 0) notes.push(`${tally.binary} binary file${tally.binary === 1 ? '' : 's'} skipped`);
    if (tally.large > 0) notes.push(`${tally.large} file${tally.large === 1 ? '' : 's'} over ${GREP_MAX_FILE_BYTES} bytes skipped`);
    const head = results.length === 0 ? `No matches for /${args.pattern}/ in ${p.rel} (${tally.files} files searched)` : results.join('\n');
    return notes.length === 0 ? head : `${head}\n[${notes.join('; ')}]`;
  },
});
