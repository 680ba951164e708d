import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { MIN_EVERY_MS } from '../util/duration.js';
import { checkInterval, parseDuration, parseInterval } from './duration.js';

function invalid(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof ClawgateError && err.code === 'INVALID_PARAMS' && pattern.test(err.message));
}

test('30s, 5m, 1h, 1d and compounds parse to milliseconds', () => {
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('5m'), 300_000);
  assert.equal(parseDuration('1h'), 3_600_000);
  assert.equal(parseDuration('1d'), 86_400_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('250ms'), 250);
});

test('anything else is INVALID_PARAMS naming the accepted form; intervals are at least 10 s', () => {
  invalid(() => parseDuration('5 minutes'), /use e\.g\. 30s, 5m, 1h/);
  invalid(() => parseDuration('0s'), /longer than zero/);
  invalid(() => parseDuration('400d'), /longer than a year/);
  invalid(() => parseInterval('9s', '--every'), /--every must be at least 10s/);
  assert.equal(parseInterval('10s'), MIN_EVERY_MS);
  invalid(() => checkInterval(9_999, 'every'), /^every must be at least 10s$/);
  invalid(() => checkInterval(400 * 86_400_000, 'every'), /^every must be at most a year$/);
  checkInterval(MIN_EVERY_MS, 'every');
});
