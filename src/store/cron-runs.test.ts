import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempStore } from '../../test/helpers/temp-store.js';
import { MAX_CRON_RUNS_LIST } from './cron-runs.js';

const claim = (scheduledAtMs: number, over: Partial<{ jobId: string; runId: string; manual: boolean; startedAtMs: number; sessionKey: string; skipped: number }> = {}) => ({
  jobId: 'job-1',
  scheduledAtMs,
  runId: `run-${scheduledAtMs}`,
  manual: false,
  startedAtMs: scheduledAtMs + 5,
  ...over,
});

test('a claim inserts a running ledger row once per (job, scheduled time); a second claim is refused', (t) => {
  const store = tempStore(t);
  assert.equal(store.cronRuns.claim(claim(1000, { sessionKey: 'agent:main:cron:job-1', skipped: 2 })), true);
  assert.equal(store.cronRuns.claim(claim(1000, { runId: 'other-run', manual: true })), false, 'the same scheduled time never runs twice');
  assert.deepEqual(store.cronRuns.get('job-1', 1000), {
    jobId: 'job-1',
    runId: 'run-1000',
    scheduledAtMs: 1000,
    manual: false,
    startedAtMs: 1005,
    status: 'running',
    sessionKey: 'agent:main:cron:job-1',
    skipped: 2,
  });
  assert.equal(store.cronRuns.claim(claim(1000, { jobId: 'job-2' })), true, 'another job may run at the same time');
  assert.equal(store.cronRuns.get('job-1', 2000), undefined);
});

test('finish records status, end, duration, summary and delivery, keeping what the claim recorded', (t) => {
  const store = tempStore(t);
  store.cronRuns.claim(claim(1000, { manual: true, sessionKey: 'agent:main:cron:job-1' }));
  assert.equal(store.cronRuns.finish('job-1', 1000, { endedAtMs: 1805, status: 'ok', summary: 'all good', deliveryStatus: 'delivered' }), true);
  assert.deepEqual(store.cronRuns.get('job-1', 1000), {
    jobId: 'job-1',
    runId: 'run-1000',
    scheduledAtMs: 1000,
    manual: true,
    startedAtMs: 1005,
    status: 'ok',
    endedAtMs: 1805,
    durationMs: 800,
    summary: 'all good',
    sessionKey: 'agent:main:cron:job-1',
    deliveryStatus: 'delivered',
  });
});

test('a failed run keeps its error code and message, and the delivery error', (t) => {
  const store = tempStore(t);
  store.cronRuns.claim(claim(1000));
  store.cronRuns.finish('job-1', 1000, {
    endedAtMs: 2000,
    status: 'error',
    error: { code: 'PROVIDER_UNAVAILABLE', message: 'fake is down' },
    deliveryStatus: 'not-delivered',
    deliveryError: 'telegram could not deliver to 1',
  });
  const e = store.cronRuns.get('job-1', 1000);
  assert.equal(e?.status, 'error');
  assert.equal(e?.errorCode, 'PROVIDER_UNAVAILABLE');
  assert.equal(e?.error, 'fake is down');
  assert.equal(e?.deliveryStatus, 'not-delivered');
  assert.equal(e?.deliveryError, 'telegram could not deliver to 1');
  assert.equal(e?.summary, undefined);
});

test('finish on a row that was never claimed changes nothing and says so', (t) => {
  const store = tempStore(t);
  assert.equal(store.cronRuns.finish('job-1', 1000, { endedAtMs: 2000, status: 'aborted' }), false);
  assert.equal(store.cronRuns.count('job-1'), 0);
});

test('list: newest first, at most the limit, never more than MAX_CRON_RUNS_LIST', (t) => {
  const store = tempStore(t);
  store.write(() => {
    for (let i = 0; i < MAX_CRON_RUNS_LIST + 5; i++) store.cronRuns.claim(claim(i * 10));
  });
  store.cronRuns.claim(claim(5, { jobId: 'job-2' }));
  assert.equal(store.cronRuns.count('job-1'), MAX_CRON_RUNS_LIST + 5);
  const three = store.cronRuns.list('job-1', 3);
  assert.deepEqual(three.map((e) => e.scheduledAtMs), [2040, 2030, 2020]);
  assert.equal(store.cronRuns.list('job-1').length, MAX_CRON_RUNS_LIST, 'the default is the maximum');
  assert.equal(store.cronRuns.list('job-1', 10_000).length, MAX_CRON_RUNS_LIST);
  assert.equal(store.cronRuns.list('job-1', Number.NaN).length, MAX_CRON_RUNS_LIST, 'a limit that is not a number means the maximum');
  assert.deepEqual(store.cronRuns.list('job-1', 0), []);
  assert.deepEqual(store.cronRuns.list('job-1', -4), []);
  assert.equal(store.cronRuns.list('job-1', 2.9).length, 2);
  assert.deepEqual(store.cronRuns.list('job-2').map((e) => e.runId), ['run-5'], 'another job has its own ledger');
});

test('a row written by other code (plain-text error, unknown status) still reads as an error entry', (t) => {
  const store = tempStore(t);
  store.db
    .prepare("INSERT INTO cron_runs (job_id, scheduled_at_ms, run_id, manual, started_at_ms, ended_at_ms, status, error) VALUES ('job-1', 1, 'r', 0, 10, 5, 'exploded', 'plain text')")
    .run();
  const e = store.cronRuns.get('job-1', 1);
  assert.equal(e?.status, 'error');
  assert.equal(e?.error, 'plain text');
  assert.equal(e?.durationMs, 0, 'an end before the start gives no negative duration');
});
