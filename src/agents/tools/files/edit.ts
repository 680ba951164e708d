import { Type } from '@sinclair/typebox';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { defineTool } from '../tool.js';
import { readTextFile } from './file-io.js';
import { EDIT_MAX_FILE_BYTES, EDIT_MAX_LISTED_MATCHES } from './limits.js';
import { writeInWorkspace } from './write.js';

/** Start offsets of the non-overlapping occurrences of `needle` in `text`. */
export function occurrences(text: string, needle: string): number[] {
  const at: number[] = [];
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) at.push(i);
  return at;
}

/** 1-based line numbers of character offsets (ascending) in `text`. */
export function lineNumbersOf(text: string, offsets: readonly number[]): number[] {
  const out: number[] = [];
  let line = 1;
  let pos = 0;
  for (const o of offsets) {
    for (; pos < o; pos++) if (text.charCodeAt(pos) === 10) line++;
    out.push(line);
  }
  return out;
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Why oldText was not found, as far as a cheap look can tell: whitespace, or the line where it probably starts. */
function noMatchHint(text: string, oldText: string): string {
  if (squash(text).includes(squash(oldText))) return 'it matches only when whitespace is ignored, so indentation, spaces or line ends differ';
  const first = oldText.split('\n').find((l) => l.trim() !== '')?.trim();
  if (first) {
    const lines = text.split('\n');
    const i = lines.findIndex((l) => l.includes(first));
    const j = i === -1 ? lines.findIndex((l) => squash(l) === squash(first)) : i;
    if (j !== -1) return `its first line matches line ${j + 1} (${JSON.stringify(lines[j]!.slice(0, 200))}), compare the text from there on`;
  }
  return 'no line of the file looks like its first line';
}

/** edit: exact text replacement in a file. */
export const editTool = defineTool({
  name: 'edit',
  description:
    'Replace exact text in a file in the workspace. oldText must match the file exactly (whitespace and indentation included) and occur once, unless replaceAll is true; include enough surrounding lines to make it unique. Returns the number of replacements.',
  parameters: Type.Object(
    {
      path: Type.String({ description: 'File path, relative to the workspace.' }),
      oldText: Type.String({ minLength: 1, description: 'The exact text to replace, copied from the file.' }),
      newText: Type.String({ description: 'The text to put in its place (may be empty to delete).' }),
      replaceAll: Type.Optional(Type.Boolean({ description: 'Replace every occurrence instead of requiring exactly one. Default false.' })),
    },
    { additionalProperties: false },
  ),
  async execute(args, ctx) {
    if (args.oldText === args.newText) throw new ClawgateError('INVALID_PARAMS', 'oldText and newText are the same, so the edit would change nothing', {});
    const { path: p, text, mode } = await readTextFile(ctx.agent.workspace, args.path, EDIT_MAX_FILE_BYTES, 'edit');
    let oldText = args.oldText;
    let newText = args.newText;
    let at = occurrences(text, oldText);
    if (at.length === 0 && text.includes('\r\n') && oldText.includes('\n') && !oldText.includes('\r')) {
      // Models write "\n"; a file with Windows line ends still matches, and keeps them.
      oldText = oldText.replace(/\n/g, '\r\n');
      newText = newText.replace(/\r?\n/g, '\r\n');
      at = occurrences(text, oldText);
    }
    if (at.length === 0) {
      throw new ClawgateError('EDIT_NO_MATCH', `oldText was not found in "${p.rel}": ${noMatchHint(text, args.oldText)}. Read the file again and copy the text exactly, whitespace and indentation included; the file is unchanged`, { path: p.rel });
    }
    if (at.length > 1 && !args.replaceAll) {
      const lines = lineNumbersOf(text, at.slice(0, EDIT_MAX_LISTED_MATCHES));
      const more = at.length > lines.length ? ', …' : '';
      throw new ClawgateError('EDIT_AMBIGUOUS', `oldText occurs ${at.length} times in "${p.rel}" (lines ${lines.join(', ')}${more}); include more surrounding lines to make it unique, or set replaceAll to replace every one; the file is unchanged`, { path: p.rel, count: at.length, lines });
    }
    const parts: string[] = [];
    let from = 0;
    for (const i of at) {
      parts.push(text.slice(from, i), newText);
      from = i + oldText.length;
    }
    parts.push(text.slice(from));
    await writeInWorkspace(p.real, p.rel, parts.join(''), mode);
    return { path: p.rel, replacements: at.length };
  },
});
