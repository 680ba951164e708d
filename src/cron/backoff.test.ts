import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs, CRON_BACKOFF_MS, nextAfterError } from './backoff.js';

test('back-off after consecutive errors: 30 s, 1 m, 5 m, 15 m, then 60 m for good', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 50].map(backoffMs), [0, 30_000, 60_000, 300_000, 900_000, 3_600_000, 3_600_000, 3_600_000]);
  assert.deepEqual(CRON_BACKOFF_MS, [30_000, 60_000, 300_000, 900_000, 3_600_000]);
});

test('the next run after an error is the later of the schedule and the end of the back-off', () => {
  assert.equal(nextAfterError(1_000_000, 900_000, 1), 1_000_000, 'schedule later than the back-off');
  assert.equal(nextAfterError(1_000_000, 990_000, 2), 1_050_000, 'back-off later than the schedule');
  assert.equal(nextAfterError(undefined, 0, 3), 300_000);
});
