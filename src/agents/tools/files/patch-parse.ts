import { ClawgateError } from '../../../protocol/error-catalogue.js';

/** One hunk of an Update File: lines to find (context and removed) and what replaces them. */
export interface PatchChunk {
  /** The text after `@@`: a line to find first, at or after the previous hunk. */
  readonly anchor: string | undefined;
  readonly oldLines: string[];
  readonly newLines: string[];
  /** `*** End of File` followed the hunk: it must match at the end of the file. */
  readonly atEof: boolean;
  /** Line of the patch the hunk starts on (1-based), for messages. */
  readonly line: number;
}

/** One file operation of a patch, in the order the patch gives them. */
export type PatchOp =
  | { readonly kind: 'add'; readonly path: string; readonly lines: string[]; readonly line: number }
  | { readonly kind: 'delete'; readonly path: string; readonly line: number }
  | { readonly kind: 'update'; readonly path: string; readonly moveTo: string | undefined; readonly chunks: PatchChunk[]; readonly line: number };

const BEGIN = '*** Begin Patch';
const END = '*** End Patch';
const ADD = '*** Add File: ';
const DELETE = '*** Delete File: ';
const UPDATE = '*** Update File: ';
const MOVE = '*** Move to: ';
const EOF_MARK = '*** End of File';

function invalid(line: number, message: string): ClawgateError {
  return new ClawgateError('PATCH_INVALID', `patch line ${line}: ${message}; no file was changed`, { line });
}

function pathAfter(prefix: string, text: string, line: number): string {
  const path = text.slice(prefix.length).trim();
  if (path === '') throw invalid(line, `"${prefix.trim()}" needs a path`);
  return path;
}

/** Whether lines from..(the next file header or `end`) are all blank (space between operations). */
function restIsBlank(lines: readonly string[], from: number, end: number): boolean {
  for (let j = from; j < end && !isFileHeader(lines[j]!); j++) if (lines[j]!.trim() !== '') return false;
  return true;
}

const isFileHeader = (l: string) => l.startsWith(ADD) || l.startsWith(DELETE) || l.startsWith(UPDATE) || l.trim() === END;

/**
 * Parse the OpenClaw/Codex patch format: `*** Begin Patch`, then file operations (`*** Add File: p` with
 * `+` lines; `*** Delete File: p`; `*** Update File: p`, an optional `*** Move to: q`, and hunks that start
 * with `@@` (plus an optional line to find first) holding ' ' context, '-' removed and '+' added lines, each
 * optionally closed by `*** End of File`), then `*** End Patch`. An empty line inside a hunk is an empty
 * context line. Throws PATCH_INVALID naming the patch line.
 */
export function parsePatch(input: string): PatchOp[] {
  const lines = input.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  let first = 0;
  while (first < lines.length - 1 && lines[first]!.trim() === '') first++;
  let last = lines.length - 1;
  while (last > first && lines[last]!.trim() === '') last--;
  if (lines[first]?.trim() !== BEGIN) throw invalid(first + 1, `a patch starts with "${BEGIN}"`);
  if (last === first || lines[last]!.trim() !== END) throw invalid(last + 1, `a patch ends with "${END}"`);
  const ops: PatchOp[] = [];
  let i = first + 1;
  while (i < last) {
    const text = lines[i]!;
    const line = i + 1;
    if (text.trim() === '') {
      i++;
      continue;
    }
    if (text.startsWith(ADD)) {
      const path = pathAfter(ADD, text, line);
      const content: string[] = [];
      for (i++; i < last && !isFileHeader(lines[i]!); i++) {
        if (lines[i] === '' && restIsBlank(lines, i, last)) continue;
        if (!lines[i]!.startsWith('+')) throw invalid(i + 1, `every line of "Add File: ${path}" starts with "+"`);
        content.push(lines[i]!.slice(1));
      }
      ops.push({ kind: 'add', path, lines: content, line });
    } else if (text.startsWith(DELETE)) {
      ops.push({ kind: 'delete', path: pathAfter(DELETE, text, line), line });
      i++;
    } else if (text.startsWith(UPDATE)) {
      const path = pathAfter(UPDATE, text, line);
      i++;
      let moveTo: string | undefined;
      if (i < last && lines[i]!.startsWith(MOVE)) moveTo = pathAfter(MOVE, lines[i]!, i++ + 1);
      const chunks: PatchChunk[] = [];
      while (i < last && !isFileHeader(lines[i]!)) {
        const start = i + 1;
        let anchor: string | undefined;
        if (lines[i]!.startsWith('@@')) {
          const after = lines[i]!.slice(2).trim();
          anchor = after === '' ? undefined : after;
          i++;
        } else if (chunks.length > 0) {
          throw invalid(start, `expected "@@" to start the next hunk of "Update File: ${path}", got ${JSON.stringify(lines[i]!.slice(0, 80))}`);
        }
        const oldLines: string[] = [];
        const newLines: string[] = [];
        let atEof = false;
        for (; i < last && !isFileHeader(lines[i]!) && !lines[i]!.startsWith('@@'); i++) {
          const l = lines[i]!;
          if (l.trim() === EOF_MARK) {
            atEof = true;
            i++;
            break;
          }
          const mark = l[0];
          if (mark === ' ' || l === '') {
            oldLines.push(l.slice(1));
            newLines.push(l.slice(1));
          } else if (mark === '-') oldLines.push(l.slice(1));
          else if (mark === '+') newLines.push(l.slice(1));
          else throw invalid(i + 1, `a hunk line starts with " " (context), "-" (remove) or "+" (add), got ${JSON.stringify(l.slice(0, 80))}`);
        }
        if (oldLines.length === 0 && newLines.length === 0) throw invalid(start, `hunk ${chunks.length + 1} of "Update File: ${path}" has no lines`);
        chunks.push({ anchor, oldLines, newLines, atEof, line: start });
      }
      if (chunks.length === 0 && moveTo === undefined) throw invalid(line, `"Update File: ${path}" has no hunks`);
      ops.push({ kind: 'update', path, moveTo, chunks, line });
    } else {
      throw invalid(line, `expected "${ADD.trim()}", "${DELETE.trim()}", "${UPDATE.trim()}" or "${END}", got ${JSON.stringify(text.slice(0, 80))}`);
    }
  }
  if (ops.length === 0) throw invalid(first + 1, 'the patch changes no file');
  return ops;
}
