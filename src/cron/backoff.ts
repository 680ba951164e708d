/** Pause after the 1st, 2nd, 3rd, 4th and 5th-or-later consecutive error of a recurring job. */
export const CRON_BACKOFF_MS: readonly number[] = [30_000, 60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000];

/** The pause after `consecutiveErrors` errors in a row (0: none). */
export function backoffMs(consecutiveErrors: number): number {
  if (consecutiveErrors <= 0) return 0;
  return CRON_BACKOFF_MS[Math.min(consecutiveErrors, CRON_BACKOFF_MS.length) - 1]!;
}

/** A recurring job's next run after an error: its schedule's next time, but not before the back-off ends. */
export function nextAfterError(scheduleNextMs: number | undefined, endedAtMs: number, consecutiveErrors: number): number {
  const earliest = endedAtMs + backoffMs(consecutiveErrors);
  return scheduleNextMs === undefined ? earliest : Math.max(scheduleNextMs, earliest);
}
