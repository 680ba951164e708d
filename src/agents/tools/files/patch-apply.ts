import { ClawgateError } from '../../../protocol/error-catalogue.js';
import type { PatchChunk } from './patch-parse.js';

/** Ways a line of the patch may equal a line of the file, strictest first (models drift on trailing spaces). */
const LEVELS: readonly ((s: string) => string)[] = [(s) => s, (s) => s.trimEnd(), (s) => s.trim()];

/** First index >= from where `seq` matches `lines` (only at the very end when `atEof`), strictest level first; -1 when none. */
function seek(lines: readonly string[], seq: readonly string[], from: number, atEof: boolean): number {
  for (const norm of LEVELS) {
    const want = seq.map(norm);
    const matchesAt = (i: number) => want.every((w, k) => norm(lines[i + k]!) === w);
    if (atEof) {
      const end = lines.length - seq.length;
      if (end >= from && matchesAt(end)) return end;
      continue;
    }
    for (let i = from; i + seq.length <= lines.length; i++) if (matchesAt(i)) return i;
  }
  return -1;
}

function conflict(path: string, index: number, total: number, chunk: PatchChunk, why: string): ClawgateError {
  return new ClawgateError('PATCH_CONFLICT', `Update File "${path}", hunk ${index + 1} of ${total} (patch line ${chunk.line}): ${why}; read the file again and send a corrected patch; no file was changed`, { path, hunk: index + 1, patchLine: chunk.line });
}

const preview = (line: string | undefined) => JSON.stringify((line ?? '').slice(0, 120));

/**
 * Apply an Update File's hunks to a file's text, in order: each hunk's lines (context and removed) are found
 * at or after the end of the previous hunk (after its `@@` anchor line when it has one), and replaced by its
 * context and added lines. Line ends (LF or CRLF) and a missing final newline are kept. Throws
 * PATCH_CONFLICT naming the file, the hunk and what was not found.
 */
export function applyChunks(path: string, text: string, chunks: readonly PatchChunk[]): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text === '' ? [] : text.split(/\r?\n/);
  const endsWithNewline = text === '' || lines.at(-1) === '';
  if (lines.at(-1) === '') lines.pop();
  const edits: { at: number; remove: number; insert: string[] }[] = [];
  let cursor = 0;
  chunks.forEach((chunk, index) => {
    if (chunk.anchor !== undefined) {
      const a = seek(lines, [chunk.anchor], cursor, false);
      if (a === -1) throw conflict(path, index, chunks.length, chunk, `its @@ line ${preview(chunk.anchor)} was not found after line ${cursor}`);
      cursor = a + 1;
    }
    let oldLines = chunk.oldLines;
    let newLines = chunk.newLines;
    if (oldLines.length === 0) {
      // Only additions: after the anchor when there is one, else at the end of the file.
      const at = chunk.anchor !== undefined && !chunk.atEof ? cursor : lines.length;
      edits.push({ at, remove: 0, insert: newLines });
      cursor = at;
      return;
    }
    let at = seek(lines, oldLines, cursor, chunk.atEof);
    if (at === -1 && oldLines.at(-1) === '') {
      // A blank line a model added at the end of a hunk that the file does not have.
      oldLines = oldLines.slice(0, -1);
      if (newLines.at(-1) === '') newLines = newLines.slice(0, -1);
      at = oldLines.length === 0 ? -1 : seek(lines, oldLines, cursor, chunk.atEof);
    }
    if (at === -1) {
      const earlier = seek(lines, oldLines, 0, false);
      const where = earlier !== -1 && earlier < cursor ? ` (they are at line ${earlier + 1}, before the previous hunk: give hunks in file order)` : '';
      throw conflict(path, index, chunks.length, chunk, `its ${oldLines.length} context and removed lines, starting with ${preview(oldLines[0])}, were not found${chunk.atEof ? ' at the end of the file' : ''} after line ${cursor}${where}`);
    }
    edits.push({ at, remove: oldLines.length, insert: newLines });
    cursor = at + oldLines.length;
  });
  for (const e of [...edits].reverse()) lines.splice(e.at, e.remove, ...e.insert);
  if (lines.length === 0) return '';
  return lines.join(eol) + (endsWithNewline ? eol : '');
}
