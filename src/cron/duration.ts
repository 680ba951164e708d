import { ClawgateError } from '../protocol/error-catalogue.js';
import { intervalMsProblem, readDuration, readInterval, type DurationReading } from '../util/duration.js';

// util/duration.ts reads durations without our error types (util sits below protocol); cron's callers, the
// cron methods and the CLI, want a bad one to be INVALID_PARAMS with the same sentence.

function msOrThrow(reading: DurationReading): number {
  if ('problem' in reading) throw new ClawgateError('INVALID_PARAMS', reading.problem);
  return reading.ms;
}

/** Milliseconds of a duration like `30s`, `5m`, `1h`, `1d` or `1h30m`; throws INVALID_PARAMS naming the form. */
export function parseDuration(text: string, what = 'duration'): number {
  return msOrThrow(readDuration(text, what));
}

/** An interval (`every`) of at least MIN_EVERY_MS; throws INVALID_PARAMS. */
export function parseInterval(text: string, what = 'interval'): number {
  return msOrThrow(readInterval(text, what));
}

/** Throws INVALID_PARAMS when an interval is shorter than MIN_EVERY_MS or longer than MAX_DURATION_MS. */
export function checkInterval(ms: number, what = 'interval'): void {
  const problem = intervalMsProblem(ms, what);
  if (problem !== undefined) throw new ClawgateError('INVALID_PARAMS', problem);
}
