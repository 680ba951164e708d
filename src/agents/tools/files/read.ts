import { Type } from '@sinclair/typebox';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { defineTool } from '../tool.js';
import { binaryRefused, looksBinary, openForRead, type OpenedFile } from './file-io.js';
import { BINARY_SNIFF_BYTES, READ_CHUNK_BYTES, READ_DEFAULT_LINES, READ_MAX_LINE_CHARS, READ_MAX_LINES, READ_MAX_OUTPUT_CHARS, READ_MAX_SCAN_BYTES } from './limits.js';

/** Bytes of one line kept for display: enough for READ_MAX_LINE_CHARS characters in any UTF-8. */
const LINE_KEEP_BYTES = READ_MAX_LINE_CHARS * 4;

/** What one pass over a file found: the numbered lines of the window and how many lines the file has. */
interface ReadWindow {
  readonly lines: string[];
  /** Number of the first and last line shown (last < first when none). */
  readonly first: number;
  readonly last: number;
  readonly total: number;
  /** False when counting stopped at READ_MAX_SCAN_BYTES: the file has at least `total` lines. */
  readonly totalExact: boolean;
}

function display(parts: Buffer[], fullBytes: number): string {
  let text = Buffer.concat(parts).toString('utf8');
  if (text.endsWith('\r')) text = text.slice(0, -1);
  if (text.length > READ_MAX_LINE_CHARS || fullBytes > LINE_KEEP_BYTES) return `${text.slice(0, READ_MAX_LINE_CHARS)}… [line cut: ${fullBytes} bytes]`;
  return text;
}

/**
 * Read lines `offset`..`offset + limit - 1` (1-based) in chunks, never holding more than the window, then
 * keep counting lines to the end for the header. Stops adding lines when the output would pass
 * READ_MAX_OUTPUT_CHARS, and reads no more than READ_MAX_SCAN_BYTES in all.
 */
async function readWindow(f: OpenedFile, offset: number, limit: number): Promise<ReadWindow> {
  const lines: string[] = [];
  let outChars = 0;
  let full = false;
  let lineNo = 1;
  let parts: Buffer[] = [];
  let kept = 0;
  let lineBytes = 0;
  let pos = 0;
  const buf = Buffer.alloc(READ_CHUNK_BYTES);
  const wanted = () => !full && lineNo >= offset && lineNo < offset + limit;
  const finishLine = () => {
    if (wanted()) {
      const entry = `${String(lineNo).padStart(6)}\t${display(parts, lineBytes)}`;
      if (lines.length > 0 && outChars + entry.length + 1 > READ_MAX_OUTPUT_CHARS) full = true;
      else {
        lines.push(entry);
        outChars += entry.length + 1;
      }
    }
    lineNo++;
    parts = [];
    kept = 0;
    lineBytes = 0;
  };
  for (;;) {
    const { bytesRead } = await f.fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) break;
    const chunk = buf.subarray(0, bytesRead);
    if (pos === 0 && looksBinary(chunk.subarray(0, BINARY_SNIFF_BYTES))) throw binaryRefused(f.path.rel);
    pos += bytesRead;
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      const end = nl === -1 ? chunk.length : nl;
      if (wanted() && kept < LINE_KEEP_BYTES) {
        const piece = Buffer.from(chunk.subarray(start, Math.min(end, start + LINE_KEEP_BYTES - kept)));
        parts.push(piece);
        kept += piece.length;
      }
      lineBytes += end - start;
      if (nl === -1) break;
      finishLine();
      start = nl + 1;
    }
    if (pos >= READ_MAX_SCAN_BYTES && pos < f.size) {
      if (full || lineNo >= offset + limit) return { lines, first: offset, last: offset + lines.length - 1, total: lineNo - 1, totalExact: false };
      throw new ClawgateError('FILE_REFUSED', `line ${offset} of "${f.path.rel}" lies beyond the first ${READ_MAX_SCAN_BYTES} bytes that read scans; use exec (for example tail or sed -n) for that part`, { path: f.path.rel });
    }
  }
  if (lineBytes > 0) finishLine();
  return { lines, first: offset, last: offset + lines.length - 1, total: lineNo - 1, totalExact: true };
}

/** read: numbered lines of a text file in the workspace, a window at a time. */
export const readTool = defineTool({
  name: 'read',
  description:
    'Read a text file in the workspace. Returns numbered lines ("     12\\tline text", numbers for reference only) after a header with the line range and total. Use offset (1-based line) and limit to read a large file in parts; very long lines are cut. Binary files and directories are refused (use ls for directories).',
  parameters: Type.Object(
    {
      path: Type.String({ description: 'File path, relative to the workspace.' }),
      offset: Type.Optional(Type.Integer({ minimum: 1, description: 'First line to show (1-based). Default 1.' })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: READ_MAX_LINES, description: `Most lines to show. Default ${READ_DEFAULT_LINES}.` })),
    },
    { additionalProperties: false },
  ),
  async execute(args, ctx) {
    const offset = args.offset ?? 1;
    const f = await openForRead(ctx.agent.workspace, args.path);
    let w: ReadWindow;
    try {
      w = await readWindow(f, offset, args.limit ?? READ_DEFAULT_LINES);
    } finally {
      await f.fh.close();
    }
    const name = f.path.rel;
    const total = w.totalExact ? `${w.total}` : `at least ${w.total} (counted the first ${READ_MAX_SCAN_BYTES} bytes of ${f.size})`;
    if (w.total === 0) return `[${name}: empty file]`;
    if (w.lines.length === 0) {
      throw new ClawgateError('INVALID_PARAMS', `offset ${offset} is past the end of "${name}", which has ${total} lines; read from offset 1 or a smaller offset`, { path: name, total: w.total });
    }
    const more = w.last < w.total || !w.totalExact;
    const header = `[${name}: lines ${w.first}-${w.last} of ${total}${more ? `; continue with offset ${w.last + 1}` : ''}]`;
    return `${header}\n${w.lines.join('\n')}`;
  },
});
