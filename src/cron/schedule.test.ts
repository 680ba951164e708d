import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { countTimesBetween, describeSchedule, firstRunAt, latestDueAt, nextRunAfter, normalizeSchedule, parseAt } from './schedule.js';

const T0 = Date.parse('2026-01-10T12:00:00Z');

function invalid(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof ClawgateError && err.code === 'INVALID_PARAMS' && pattern.test(err.message));
}

describe('at', () => {
  test('an ISO time with a zone, a local time, or +20m relative to now', () => {
    assert.equal(parseAt('2026-03-01T09:00:00+01:00', T0), Date.parse('2026-03-01T08:00:00Z'));
    assert.equal(parseAt('2026-03-01T09:00Z', T0), Date.parse('2026-03-01T09:00:00Z'));
    assert.equal(parseAt('2026-03-01 09:00', T0), new Date(2026, 2, 1, 9, 0).getTime());
    assert.equal(parseAt('+20m', T0), T0 + 20 * 60_000);
    assert.equal(parseAt('+2h', T0), T0 + 2 * 3_600_000);
    assert.equal(parseAt('+1d', T0), T0 + 86_400_000);
  });

  test('a date alone or free text is refused with the accepted forms', () => {
    invalid(() => parseAt('2026-03-01', T0), /ISO time like .* or a relative one like \+20m/);
    invalid(() => parseAt('tomorrow', T0), /is not a time/);
    invalid(() => parseAt('+soon', T0), /not a duration/);
  });

  test('stored absolute; runs once at that time, even when already past', () => {
    const s = normalizeSchedule({ kind: 'at', at: '+20m' }, T0);
    assert.deepEqual(s, { kind: 'at', at: new Date(T0 + 20 * 60_000).toISOString() });
    assert.equal(firstRunAt(s, T0), T0 + 20 * 60_000);
    assert.equal(nextRunAfter(s, T0 + 20 * 60_000), undefined);
    const past = normalizeSchedule({ kind: 'at', at: '2020-01-01T00:00:00Z' }, T0);
    assert.equal(firstRunAt(past, T0), Date.parse('2020-01-01T00:00:00Z'));
  });
});

describe('every', () => {
  test('anchored at creation; the next time is the first anchor + k*every after the given time', () => {
    const s = normalizeSchedule({ kind: 'every', everyMs: 60_000 }, T0);
    assert.deepEqual(s, { kind: 'every', everyMs: 60_000, anchorMs: T0 });
    assert.equal(firstRunAt(s, T0), T0 + 60_000);
    assert.equal(nextRunAfter(s, T0 + 60_000), T0 + 120_000);
    assert.equal(nextRunAfter(s, T0 + 90_500), T0 + 120_000);
  });

  test('below 10 s is refused', () => {
    invalid(() => normalizeSchedule({ kind: 'every', everyMs: 9_999 }, T0), /every must be at least 10s/);
  });

  test('after downtime the latest missed time is the one that runs; the others are counted as skipped', () => {
    const s = normalizeSchedule({ kind: 'every', everyMs: 60_000 }, T0);
    const now = T0 + 10 * 60_000 + 5_000;
    assert.equal(latestDueAt(s, T0 + 60_000, now), T0 + 10 * 60_000);
    assert.equal(countTimesBetween(s, T0 + 60_000, T0 + 10 * 60_000), 9);
    assert.equal(nextRunAfter(s, now), T0 + 11 * 60_000);
  });
});

describe('cron', () => {
  test('5 fields, or 6 with seconds, in a time zone', () => {
    const s = normalizeSchedule({ kind: 'cron', expr: '0 9 * * *', tz: 'America/New_York' }, T0);
    assert.equal(new Date(firstRunAt(s, T0)!).toISOString(), '2026-01-10T14:00:00.000Z');
    const six = normalizeSchedule({ kind: 'cron', expr: '30 0 9 * * *', tz: 'UTC' }, T0);
    assert.equal(new Date(firstRunAt(six, T0)!).toISOString(), '2026-01-11T09:00:30.000Z');
    assert.equal(describeSchedule(s), 'cron 0 9 * * * (America/New_York)');
  });

  test('DST: a time in the spring-forward gap runs once after it; the repeated autumn hour runs once', () => {
    const s = normalizeSchedule({ kind: 'cron', expr: '30 2 * * *', tz: 'Europe/Berlin' }, T0);
    // 2026-03-29: 02:00 CET jumps to 03:00 CEST, so 02:30 does not exist that day.
    const spring = nextRunAfter(s, Date.parse('2026-03-28T12:00:00Z'))!;
    assert.equal(new Date(spring).toISOString(), '2026-03-29T01:00:00.000Z');
    assert.equal(new Date(nextRunAfter(s, spring)!).toISOString(), '2026-03-30T00:30:00.000Z');
    // 2026-10-25: 02:30 happens twice (CEST, then CET); the job runs on the first only.
    const autumn = nextRunAfter(s, Date.parse('2026-10-24T12:00:00Z'))!;
    assert.equal(new Date(autumn).toISOString(), '2026-10-25T00:30:00.000Z');
    assert.equal(new Date(nextRunAfter(s, autumn)!).toISOString(), '2026-10-26T01:30:00.000Z');
  });

  test('an invalid expression, field count or time zone is INVALID_PARAMS naming the fix', () => {
    invalid(() => normalizeSchedule({ kind: 'cron', expr: '61 * * * *' }, T0), /cron expression "61 \* \* \* \*" is invalid/);
    invalid(() => normalizeSchedule({ kind: 'cron', expr: '* * *' }, T0), /must have 5 fields .* or 6/);
    invalid(() => normalizeSchedule({ kind: 'cron', expr: '0 1 1 1 1 1 2020' }, T0), /must have 5 fields/);
    invalid(() => normalizeSchedule({ kind: 'cron', expr: '0 9 * * *', tz: 'Mars/Olympus' }, T0), /not an IANA time zone; use e\.g\. Europe\/Berlin/);
    invalid(() => normalizeSchedule({ kind: 'cron', expr: '* * * * * *' }, T0), /more often than every 10s/);
  });

  test('catch-up picks the latest missed time of the expression', () => {
    const s = normalizeSchedule({ kind: 'cron', expr: '*/5 * * * *', tz: 'UTC' }, T0);
    const due = T0 + 5 * 60_000;
    assert.equal(latestDueAt(s, due, T0 + 32 * 60_000), T0 + 30 * 60_000);
    assert.equal(countTimesBetween(s, due, T0 + 30 * 60_000), 5);
  });
});
