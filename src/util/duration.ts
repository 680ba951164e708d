/**
 * Durations as people write them (`30s`, `5m`, `1h30m`), for config values, cron schedules and CLI flags.
 * Pure: a bad value yields the problem as a sentence, and the caller decides what error it becomes.
 */

/** Shortest interval of an `every` job or the heartbeat: a tighter loop would flood the model provider. */
export const MIN_EVERY_MS = 10_000;
/** Longest duration accepted (a year): beyond it a relative time or interval is almost surely a typo. */
export const MAX_DURATION_MS = 366 * 86_400_000;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** What readDuration accepts, for JSON schemas: one or more `<digits><unit>` parts, e.g. `90s`, `1h30m`. */
export const DURATION_PATTERN = '^([0-9]{1,9}(ms|s|m|h|d))+$';
const DURATION_RE = new RegExp(DURATION_PATTERN);
const PART_RE = /([0-9]{1,9})(ms|s|m|h|d)/g;

/** A duration read from text: its milliseconds, or the problem in a sentence that names `what` and the fix. */
export type DurationReading = { readonly ms: number } | { readonly problem: string };

/** Read a duration like `30s`, `5m`, `1h`, `1d` or `1h30m`; longer than zero and at most MAX_DURATION_MS. */
export function readDuration(text: string, what = 'duration'): DurationReading {
  const trimmed = text.trim().toLowerCase();
  if (!DURATION_RE.test(trimmed)) {
    return { problem: `${what} ${JSON.stringify(text.slice(0, 40))} is not a duration; use e.g. 30s, 5m, 1h, 1d or 1h30m` };
  }
  let ms = 0;
  for (const m of trimmed.matchAll(PART_RE)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  if (ms <= 0) return { problem: `${what} must be longer than zero` };
  if (ms > MAX_DURATION_MS) return { problem: `${what} ${text.slice(0, 40)} is longer than a year` };
  return { ms };
}

/** The problem with an interval of ms milliseconds (shorter than MIN_EVERY_MS, longer than a year), or undefined. */
export function intervalMsProblem(ms: number, what = 'interval'): string | undefined {
  if (!Number.isInteger(ms) || ms < MIN_EVERY_MS) return `${what} must be at least ${MIN_EVERY_MS / 1000}s`;
  if (ms > MAX_DURATION_MS) return `${what} must be at most a year`;
  return undefined;
}

/** Read an interval (`every`): a duration of at least MIN_EVERY_MS. */
export function readInterval(text: string, what = 'interval'): DurationReading {
  const reading = readDuration(text, what);
  if ('problem' in reading) return reading;
  const problem = intervalMsProblem(reading.ms, what);
  return problem === undefined ? reading : { problem };
}

/** The problem with an interval config value at keyPath, or undefined (used by config validation). */
export function intervalProblem(keyPath: string, text: string): string | undefined {
  const reading = readInterval(text, keyPath);
  return 'problem' in reading ? reading.problem : undefined;
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
