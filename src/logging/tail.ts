import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { LOGS_TAIL_MAX_LIMIT } from '../protocol/methods/logs.js';
import { compareLogFiles, listLogFiles, parseLogFileName, type LogFile } from './log-files.js';
import { levelOf } from './levels.js';
import { scrubValue } from './redact.js';

/** Most lines one read returns (the logs.tail limit). */
export const MAX_TAIL_LINES = LOGS_TAIL_MAX_LIMIT;
/** Lines returned when the caller gives no limit. */
export const DEFAULT_TAIL_LINES = 100;
/** Bytes read backwards for one tail, across files (bounds the work of a level filter that matches little). */
export const MAX_TAIL_SCAN_BYTES = 16 * 1024 * 1024;
/** Bytes read forwards from a cursor in one call; a follower catches up over several calls. */
export const MAX_FOLLOW_READ_BYTES = 4 * 1024 * 1024;
/** Characters of log lines in one result (keeps a response far below the frame limit). */
export const MAX_TAIL_RESULT_CHARS = 2 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;
const NL = 0x0a;
const CURSOR_RE = /^([^@]*)@(\d{1,15})$/;

/** What to read: how many lines, from which level up, and where the last call stopped. */
export interface TailOptions {
  limit?: number;
  minLevel?: number;
  /** From a previous result: return only what was written after it. Without one, the last lines. */
  cursor?: string;
  /** Secret values to scrub besides the sink's own patterns (lines are scrubbed again on the way out). */
  secrets?: readonly string[];
}

/** Parsed, scrubbed entries (oldest first) and the cursor to continue from. */
export interface TailResult {
  lines: Array<Record<string, unknown>>;
  cursor: string;
}

interface Position {
  file: string;
  offset: number;
}

function encodeCursor(p: Position): string {
  return `${p.file}@${p.offset}`;
}

function decodeCursor(cursor: string): Position {
  const m = CURSOR_RE.exec(cursor);
  if (!m || (m[1] !== '' && !parseLogFileName(m[1]!))) {
    throw new ClawgateError('INVALID_PARAMS', 'invalid logs.tail cursor: pass the cursor of the previous result unchanged, or none to start at the end', { method: 'logs.tail' });
  }
  return { file: m[1]!, offset: Number(m[2]) };
}

class Collector {
  readonly lines: Array<Record<string, unknown>> = [];
  chars = 0;
  constructor(
    private readonly limit: number,
    private readonly minLevel: number,
    private readonly secrets: readonly string[],
  ) {}

  get full(): boolean {
    return this.lines.length >= this.limit || this.chars >= MAX_TAIL_RESULT_CHARS;
  }

  /** Parse, filter and scrub one raw line; true when it was kept. */
  add(raw: Buffer, newestFirst: boolean): boolean {
    const text = raw.toString('utf8').trim();
    if (text === '') return false;
    let entry: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      entry = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { level: 'info', msg: text };
    } catch {
      entry = { level: 'info', msg: text };
    }
    if (levelOf(entry) < this.minLevel) return false;
    const clean = scrubValue(entry, this.secrets);
    if (newestFirst) this.lines.unshift(clean);
    else this.lines.push(clean);
    this.chars += text.length;
    return true;
  }
}

function withFd<T>(path: string, fn: (fd: number, size: number) => T): T | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined; // pruned between listing and reading
  }
  try {
    return fn(fd, fstatSync(fd).size);
  } finally {
    closeSync(fd);
  }
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, position);
  return n === length ? buf : buf.subarray(0, n);
}

/** The last lines, newest file backwards; the cursor points after the newest complete line. */
function tailBackwards(dir: string, files: LogFile[], out: Collector): string {
  let budget = MAX_TAIL_SCAN_BYTES;
  let cursor: Position = { file: '', offset: 0 };
  for (let i = files.length - 1; i >= 0 && !out.full && budget > 0; i--) {
    const newest = i === files.length - 1;
    withFd(join(dir, files[i]!.name), (fd, size) => {
      let pos = size;
      let rest = Buffer.alloc(0);
      let first = true;
      while (pos > 0 && !out.full && budget > 0) {
        const n = Math.min(CHUNK_BYTES, pos, budget);
        pos -= n;
        budget -= n;
        let data = Buffer.concat([readAt(fd, pos, n), rest]);
        if (first && newest) {
          // A line still being written is not returned; the follower gets it whole next time.
          const lastNl = data.lastIndexOf(NL);
          const complete = lastNl < 0 ? 0 : lastNl + 1;
          cursor = { file: files[i]!.name, offset: pos + complete };
          data = data.subarray(0, complete);
        }
        first = false;
        let end = data.length;
        let nl = end >= 2 ? data.lastIndexOf(NL, end - 2) : -1;
        while (nl >= 0 && !out.full) {
          out.add(data.subarray(nl + 1, end), true);
          end = nl + 1;
          nl = nl === 0 ? -1 : data.lastIndexOf(NL, nl - 1);
        }
        rest = data.subarray(0, end);
      }
      if (pos === 0 && !out.full && rest.length > 0) out.add(rest, true);
      if (newest && first) cursor = { file: files[i]!.name, offset: size };
    });
  }
  return encodeCursor(cursor);
}

/** Lines written after a cursor, oldest first, across rotation; the cursor moves past what was consumed. */
function followFrom(dir: string, files: LogFile[], start: Position, out: Collector): string {
  if (files.length === 0) return encodeCursor(start);
  let idx = files.findIndex((f) => f.name === start.file);
  let offset = start.offset;
  if (idx < 0) {
    // The cursor's file was pruned (or there was none yet): continue with the next newer file.
    const at = start.file === '' ? undefined : parseLogFileName(start.file);
    idx = at ? files.findIndex((f) => compareLogFiles(f, at) > 0) : 0;
    offset = 0;
    if (idx < 0) return encodeCursor(start);
  }
  let cursor: Position = { file: files[idx]!.name, offset };
  let budget = MAX_FOLLOW_READ_BYTES;
  for (; idx < files.length && !out.full && budget > 0; idx++) {
    const name = files[idx]!.name;
    const newest = idx === files.length - 1;
    let reachedEnd = false;
    withFd(join(dir, name), (fd, size) => {
      let pos = offset > size ? 0 : offset; // truncated or replaced: start over
      cursor = { file: name, offset: pos };
      const n = Math.min(size - pos, budget);
      budget -= n;
      const data = readAt(fd, pos, n);
      let begin = 0;
      for (let nl = data.indexOf(NL); nl >= 0 && !out.full; nl = data.indexOf(NL, begin)) {
        out.add(data.subarray(begin, nl), false);
        begin = nl + 1;
        cursor = { file: name, offset: pos + begin };
      }
      // An older file's unterminated last line (a crash mid-write) is a line; the newest's may still grow.
      if (!newest && !out.full && pos + n === size && begin < data.length) {
        out.add(data.subarray(begin), false);
        begin = data.length;
      }
      reachedEnd = pos + begin >= size;
    });
    if (!reachedEnd || newest) break;
    cursor = { file: files[idx + 1]!.name, offset: 0 };
    offset = 0;
  }
  return encodeCursor(cursor);
}

/** Read log entries from a logs dir: the last `limit` lines, or what came after `cursor`. Scrubbed, bounded. */
export function readLogTail(dir: string, opts: TailOptions = {}): TailResult {
  const limit = Math.max(1, Math.min(opts.limit ?? DEFAULT_TAIL_LINES, MAX_TAIL_LINES));
  const start = opts.cursor === undefined ? undefined : decodeCursor(opts.cursor);
  const files = listLogFiles(dir);
  const out = new Collector(limit, opts.minLevel ?? 0, opts.secrets ?? []);
  const cursor = start ? followFrom(dir, files, start, out) : tailBackwards(dir, files, out);
  return { lines: out.lines, cursor };
}
