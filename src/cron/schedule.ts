import { Cron } from 'croner';
import { MAX_CRON_EXPR_CHARS, MAX_TZ_CHARS } from '../protocol/cron-job.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { formatDuration, MIN_EVERY_MS } from '../util/duration.js';
import { checkInterval, parseDuration } from './duration.js';

/** When a job runs: once at a time, every interval from an anchor, or on a cron expression in a time zone. */
export type CronSchedule =
  | { kind: 'at'; at: string }
  | { kind: 'every'; everyMs: number; anchorMs?: number }
  | { kind: 'cron'; expr: string; tz?: string };


// Date and time with minutes at least; a zone (Z or ±hh:mm) is optional: without one it is the gateway's local time.
const ISO_RE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** An `at` time: ISO date-time, or `+<duration>` from nowMs (e.g. `+20m`). Throws INVALID_PARAMS. */
export function parseAt(input: string, nowMs: number): number {
  const text = input.trim();
  if (text.startsWith('+')) return nowMs + parseDuration(text.slice(1), 'relative time');
  const ms = ISO_RE.test(text) ? Date.parse(text.replace(' ', 'T')) : NaN;
  if (!Number.isFinite(ms)) {
    throw new ClawgateError('INVALID_PARAMS', `at ${JSON.stringify(text.slice(0, 40))} is not a time; use an ISO time like 2026-03-01T09:00:00Z (or +01:00), or a relative one like +20m`);
  }
  return ms;
}

/** Throws INVALID_PARAMS when tz is not an IANA time zone this Node knows. */
export function checkTimeZone(tz: string): void {
  try {
    if (tz.length === 0 || tz.length > MAX_TZ_CHARS) throw new RangeError('length');
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new ClawgateError('INVALID_PARAMS', `time zone ${JSON.stringify(tz.slice(0, MAX_TZ_CHARS))} is not an IANA time zone; use e.g. Europe/Berlin, America/New_York or UTC`);
  }
}

/** A paused croner job for expr in tz (5 fields, or 6 with seconds first); throws INVALID_PARAMS. */
function cronOf(expr: string, tz: string | undefined): Cron {
  if (tz !== undefined) checkTimeZone(tz);
  const fields = expr.trim().split(/\s+/).length;
  if (expr.length > MAX_CRON_EXPR_CHARS || (fields !== 5 && fields !== 6)) {
    throw new ClawgateError('INVALID_PARAMS', `cron expression ${JSON.stringify(expr.slice(0, 40))} must have 5 fields (minute hour day month weekday) or 6 (seconds first), e.g. "0 9 * * 1-5"`);
  }
  try {
    return new Cron(expr.trim(), { paused: true, mode: '5-or-6-parts', ...(tz !== undefined ? { timezone: tz } : {}) });
  } catch (err) {
    const why = (err as Error).message.replace(/^CronPattern:\s*/, '').slice(0, 200);
    throw new ClawgateError('INVALID_PARAMS', `cron expression ${JSON.stringify(expr.slice(0, 40))} is invalid: ${why}`);
  }
}

/**
 * The schedule as stored: `at` made absolute (relative `+20m` resolved against nowMs), `every` anchored at
 * nowMs unless given, `cron` checked (fields, time zone, at least one future time, runs at most every
 * MIN_EVERY_MS). Throws INVALID_PARAMS with a message naming the fix.
 */
export function normalizeSchedule(s: CronSchedule, nowMs: number): CronSchedule {
  switch (s.kind) {
    case 'at':
      return { kind: 'at', at: new Date(parseAt(s.at, nowMs)).toISOString() };
    case 'every':
      checkInterval(s.everyMs, 'every');
      return { kind: 'every', everyMs: s.everyMs, anchorMs: s.anchorMs ?? nowMs };
    case 'cron': {
      const cron = cronOf(s.expr, s.tz);
      const [first, second] = cron.nextRuns(2, new Date(nowMs));
      if (!first) throw new ClawgateError('INVALID_PARAMS', `cron expression ${JSON.stringify(s.expr.slice(0, 40))} never matches a future time`);
      if (second && second.getTime() - first.getTime() < MIN_EVERY_MS) {
        throw new ClawgateError('INVALID_PARAMS', `cron expression ${JSON.stringify(s.expr.slice(0, 40))} runs more often than every ${MIN_EVERY_MS / 1000}s`);
      }
      return { kind: 'cron', expr: s.expr.trim(), ...(s.tz !== undefined ? { tz: s.tz } : {}) };
    }
  }
}

/** The first run of a freshly added (or re-enabled) job: the `at` time even when past (it then runs at once). */
export function firstRunAt(s: CronSchedule, nowMs: number): number | undefined {
  return s.kind === 'at' ? Date.parse(s.at) : nextRunAfter(s, nowMs);
}

/** The first scheduled time strictly after afterMs; undefined when there is none (a past `at`). */
export function nextRunAfter(s: CronSchedule, afterMs: number): number | undefined {
  switch (s.kind) {
    case 'at': {
      const at = Date.parse(s.at);
      return at > afterMs ? at : undefined;
    }
    case 'every': {
      const anchor = s.anchorMs ?? 0;
      if (afterMs < anchor) return anchor;
      return anchor + (Math.floor((afterMs - anchor) / s.everyMs) + 1) * s.everyMs;
    }
    case 'cron':
      return cronOf(s.expr, s.tz).nextRun(new Date(afterMs))?.getTime();
  }
}

/**
 * The latest scheduled time in [dueMs, nowMs] (dueMs is the job's stored next run, already due): after
 * downtime a job runs once, for the latest time it missed; the earlier ones are skipped.
 */
export function latestDueAt(s: CronSchedule, dueMs: number, nowMs: number): number {
  switch (s.kind) {
    case 'at':
      return dueMs;
    case 'every': {
      const anchor = s.anchorMs ?? 0;
      if (nowMs < anchor) return dueMs;
      return Math.max(dueMs, anchor + Math.floor((nowMs - anchor) / s.everyMs) * s.everyMs);
    }
    case 'cron': {
      const prev = cronOf(s.expr, s.tz).previousRuns(1, new Date(nowMs + 1))[0];
      return Math.max(dueMs, prev?.getTime() ?? dueMs);
    }
  }
}

/** The schedule in words for tables: `at 2026-03-01T09:00:00.000Z`, `every 5m`, `cron 0 9 * * * (Europe/Berlin)`. */
export function describeSchedule(s: CronSchedule): string {
  switch (s.kind) {
    case 'at':
      return `at ${s.at}`;
    case 'every':
      return `every ${formatDuration(s.everyMs)}`;
    case 'cron':
      return `cron ${s.expr}${s.tz ? ` (${s.tz})` : ''}`;
  }
}

/** Most missed times counted one by one (a cron job down for a year at every minute reports "at least" this). */
export const MAX_COUNTED_MISSES = 10_000;

/** How many scheduled times lie in [fromMs, toMs): the times a catch-up skipped (capped at MAX_COUNTED_MISSES). */
export function countTimesBetween(s: CronSchedule, fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return 0;
  switch (s.kind) {
    case 'at':
      return 0;
    case 'every':
      return Math.min(MAX_COUNTED_MISSES, Math.ceil((toMs - fromMs) / s.everyMs));
    case 'cron': {
      const cron = cronOf(s.expr, s.tz);
      let n = 1;
      for (let t = cron.nextRun(new Date(fromMs)); t && t.getTime() < toMs && n < MAX_COUNTED_MISSES; t = cron.nextRun(t)) n++;
      return n;
    }
  }
}
