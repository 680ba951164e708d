import { MAX_CHUNK_CHARS } from './memory-limits.js';

/** A searchable piece of a note: its lines (1-based, inclusive), the heading it sits under, and its text. */
export interface MemoryChunk {
  readonly startLine: number;
  readonly endLine: number;
  readonly heading: string;
  readonly text: string;
}

const HEADING_RE = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const FENCE_RE = /^ {0,3}(```|~~~)/;

/**
 * Split markdown into chunks with line ranges: a heading starts a chunk (and stays with the paragraph after
 * it); paragraphs join while the chunk is under half of maxChars, and no chunk grows past maxChars (unless
 * one line is longer); blank lines inside code fences do not split.
 * Small chunks keep snippets precise; joining short paragraphs keeps a list of one-liners from becoming
 * thousands of rows.
 */
export function chunkMarkdown(text: string, maxChars = MAX_CHUNK_CHARS): MemoryChunk[] {
  const lines = text.split(/\r?\n/);
  const chunks: MemoryChunk[] = [];
  let heading = '';
  let start = -1;
  let body: string[] = [];
  let chars = 0;
  let inFence = false;
  const flush = (): void => {
    if (start >= 0 && body.some((l) => l.trim() !== '')) {
      // Trailing blank lines are not part of the chunk's range.
      while (body.length > 0 && body[body.length - 1]!.trim() === '') body.pop();
      chunks.push({ startLine: start + 1, endLine: start + body.length, heading, text: body.join('\n') });
    }
    start = -1;
    body = [];
    chars = 0;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const blank = line.trim() === '';
    if (FENCE_RE.test(line)) inFence = !inFence;
    const h = !inFence ? HEADING_RE.exec(line) : null;
    if (h) {
      flush();
      heading = h[2]!;
    } else if (blank && !inFence) {
      // A paragraph ended: the chunk continues while it is small (or is only its heading so far).
      const onlyHeading = body.length === 1 && HEADING_RE.test(body[0]!);
      if (start >= 0 && !onlyHeading && chars >= maxChars / 2) flush();
      else if (start >= 0) body.push(line);
      continue;
    } else if (start >= 0 && chars + line.length > maxChars && !onlyBlankOrHeading(body)) {
      flush();
    }
    if (start < 0) start = i;
    body.push(line);
    chars += line.length + 1;
  }
  flush();
  return chunks;
}

function onlyBlankOrHeading(body: readonly string[]): boolean {
  return body.every((l) => l.trim() === '' || HEADING_RE.test(l));
}
