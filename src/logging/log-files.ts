import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Days a log file is kept after its date (today's file plus the 14 days before it). */
export const LOG_RETENTION_DAYS = 14;
/** Cap on all log files together; the oldest go first. */
export const MAX_TOTAL_LOG_BYTES = 100 * 1024 * 1024;
/** One file grows at most this much before the day continues in `clawgate-DATE.1.log`, `.2.log`, ... */
export const MAX_LOG_FILE_BYTES = 20 * 1024 * 1024;

const FILE_RE = /^clawgate-(\d{4}-\d{2}-\d{2})(?:\.(\d{1,4}))?\.log$/;

/** One log file: its date (local, YYYY-MM-DD) and part (0 for the first file of the day). */
export interface LogFile {
  readonly name: string;
  readonly date: string;
  readonly part: number;
}

/** The local calendar date of a moment, YYYY-MM-DD. */
export function localDateKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The local date `days` days before the date of `ms`. */
export function localDateKeyDaysBefore(ms: number, days: number): string {
  const d = new Date(ms);
  return localDateKey(new Date(d.getFullYear(), d.getMonth(), d.getDate() - days, 12).getTime());
}

/** Start of the next local day after `ms` (when the current file stops being today's). */
export function nextLocalMidnight(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
}

/** Start of the local day of `ms`. */
export function localMidnight(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** The file name of a date's part. */
export function logFileName(date: string, part = 0): string {
  return part === 0 ? `clawgate-${date}.log` : `clawgate-${date}.${part}.log`;
}

/** Parse a log file name; undefined for anything else in the directory. */
export function parseLogFileName(name: string): LogFile | undefined {
  const m = FILE_RE.exec(name);
  return m ? { name, date: m[1]!, part: m[2] ? Number(m[2]) : 0 } : undefined;
}

/** Oldest first: by date, then part. */
export function compareLogFiles(a: LogFile, b: LogFile): number {
  return a.date < b.date ? -1 : a.date > b.date ? 1 : a.part - b.part;
}

/** The log files in a directory, oldest first (a missing directory has none). */
export function listLogFiles(dir: string): LogFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.map(parseLogFileName).filter((f): f is LogFile => f !== undefined).sort(compareLogFiles);
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * Retention: delete files dated before the retention window, then the oldest files until all together
 * fit the size cap. `keep` (the file being written) is never deleted. Returns the bytes of what remains
 * besides `keep`.
 */
export function pruneLogFiles(dir: string, nowMs: number, keep?: string, limits = { retentionDays: LOG_RETENTION_DAYS, maxTotalBytes: MAX_TOTAL_LOG_BYTES }): number {
  const cutoff = localDateKeyDaysBefore(nowMs, limits.retentionDays);
  const remaining: Array<{ name: string; size: number }> = [];
  for (const f of listLogFiles(dir)) {
    if (f.name === keep) continue;
    if (f.date < cutoff) tryUnlink(join(dir, f.name));
    else remaining.push({ name: f.name, size: sizeOf(join(dir, f.name)) });
  }
  const keepSize = keep ? sizeOf(join(dir, keep)) : 0;
  let total = remaining.reduce((n, f) => n + f.size, 0);
  while (remaining.length > 0 && total + keepSize > limits.maxTotalBytes) {
    const oldest = remaining.shift()!;
    tryUnlink(join(dir, oldest.name));
    total -= oldest.size;
  }
  return total;
}

function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone (another process pruned it) or not ours to delete: nothing to do.
  }
}
