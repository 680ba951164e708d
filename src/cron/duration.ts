import { ClawgateError } from '../protocol/error-catalogue.js';

/** Shortest interval of an `every` job or the heartbeat: a tighter loop would flood the model provider. */
export const MIN_EVERY_MS = 10_000;
/** Longest duration accepted (a year): beyond it a relative time or interval is almost surely a typo. */
export const MAX_DURATION_MS = 366 * 86_400_000;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** What parseDuration accepts, for JSON schemas: one or more `<digits><unit>` parts, e.g. `90s`, `1h30m`. */
export const DURATION_PATTERN = '^([0-9]{1,9}(ms|s|m|h|d))+$';
const DURATION_RE = new RegExp(DURATION_PATTERN);
const PART_RE = /([0-9]{1,9})(ms|s|m|h|d)/g;

/** Milliseconds of a duration like `30s`, `5m`, `1h`, `1d` or `1h30m`; throws INVALID_PARAMS naming the form. */
export function parseDuration(text: string, what = 'duration'): number {
  const trimmed = text.trim().toLowerCase();
  if (!DURATION_RE.test(trimmed)) {
    throw new ClawgateError('INVALID_PARAMS', `${what} ${JSON.stringify(text.slice(0, 40))} is not a duration; use e.g. 30s, 5m, 1h, 1d or 1h30m`);
  }
  let ms = 0;
  for (const m of trimmed.matchAll(PART_RE)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  if (ms <= 0) throw new ClawgateError('INVALID_PARAMS', `${what} must be longer than zero`);
  if (ms > MAX_DURATION_MS) throw new ClawgateError('INVALID_PARAMS', `${what} ${text.slice(0, 40)} is longer than a year`);
  return ms;
}

/** An interval (`every`) of at least MIN_EVERY_MS. */
export function parseInterval(text: string, what = 'interval'): number {
  const ms = parseDuration(text, what);
  checkInterval(ms, what);
  return ms;
}

/** Throws INVALID_PARAMS when an interval is shorter than MIN_EVERY_MS or longer than MAX_DURATION_MS. */
export function checkInterval(ms: number, what = 'interval'): void {
  if (!Number.isInteger(ms) || ms < MIN_EVERY_MS) throw new ClawgateError('INVALID_PARAMS', `${what} must be at least ${MIN_EVERY_MS / 1000}s`);
  if (ms > MAX_DURATION_MS) throw new ClawgateError('INVALID_PARAMS', `${what} must be at most a year`);
}

/** The problem with a duration config value at keyPath, or undefined (used by config validation). */
export function intervalProblem(keyPath: string, text: string): string | undefined {
  try {
    parseInterval(text, keyPath);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** A compact duration for people: `45s`, `5m`, `1h30m`, `2d`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  let rest = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}
