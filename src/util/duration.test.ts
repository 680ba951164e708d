import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DURATION_PATTERN, formatDuration, intervalProblem, MIN_EVERY_MS, readDuration, readInterval } from './duration.js';

function problemOf(reading: ReturnType<typeof readDuration>): string {
  assert.ok('problem' in reading, `expected a problem, got ${JSON.stringify(reading)}`);
  return reading.problem;
}

describe('durations', () => {
  test('30s, 5m, 1h, 1d and compounds read as milliseconds', () => {
    assert.deepEqual(readDuration('30s'), { ms: 30_000 });
    assert.deepEqual(readDuration('5m'), { ms: 300_000 });
    assert.deepEqual(readDuration('1h'), { ms: 3_600_000 });
    assert.deepEqual(readDuration('1d'), { ms: 86_400_000 });
    assert.deepEqual(readDuration('1h30m'), { ms: 5_400_000 });
    assert.deepEqual(readDuration('250ms'), { ms: 250 });
    assert.deepEqual(readDuration(' 2H '), { ms: 7_200_000 }, 'trimmed, any case');
  });

  test('anything else is a problem that names the value and the accepted form', () => {
    assert.equal(problemOf(readDuration('5 minutes', 'relative time')), 'relative time "5 minutes" is not a duration; use e.g. 30s, 5m, 1h, 1d or 1h30m');
    assert.match(problemOf(readDuration('0s')), /^duration must be longer than zero$/);
    assert.match(problemOf(readDuration('400d')), /longer than a year/);
  });

  test('an interval is at least 10 s', () => {
    assert.equal(problemOf(readInterval('9s', '--every')), '--every must be at least 10s');
    assert.deepEqual(readInterval('10s'), { ms: MIN_EVERY_MS });
  });

  test('config validation gets the problem at the key path, or nothing', () => {
    assert.equal(intervalProblem('agents.defaults.heartbeat.every', '5s'), 'agents.defaults.heartbeat.every must be at least 10s');
    assert.equal(intervalProblem('agents.defaults.heartbeat.every', '30m'), undefined);
  });

  test('the JSON schema pattern accepts what readDuration reads', () => {
    const re = new RegExp(DURATION_PATTERN);
    for (const ok of ['30s', '1h30m', '250ms']) assert.ok(re.test(ok), ok);
    for (const bad of ['5 minutes', '1.5h', '']) assert.ok(!re.test(bad), bad);
  });

  test('formatted compactly for people', () => {
    assert.equal(formatDuration(5_400_000), '1h30m');
    assert.equal(formatDuration(45_000), '45s');
    assert.equal(formatDuration(250), '250ms');
    assert.equal(formatDuration(2 * 86_400_000), '2d');
  });
});
