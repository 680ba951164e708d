import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempStore } from '../../test/helpers/temp-store.js';
import type { Store } from './store.js';

/** The job record as the store takes it (named through the store, so record types can move). */
type Job = Parameters<Store['cronJobs']['save']>[0];

const job = (id: string, over: Partial<Job> = {}): Job => ({
  id,
  name: `job ${id}`,
  agentId: 'main',
  enabled: true,
  deleteAfterRun: false,
  createdAtMs: 1000,
  updatedAtMs: 1000,
  schedule: { kind: 'every', everyMs: 60_000 },
  sessionTarget: 'isolated',
  wakeMode: 'now',
  payload: { kind: 'agentTurn', message: 'report' },
  state: { consecutiveErrors: 0 },
  ...over,
});

test('a saved job reads back field for field; optional fields left out stay absent', (t) => {
  const store = tempStore(t);
  const plain = job('plain');
  store.cronJobs.save(plain);
  assert.deepEqual(store.cronJobs.get('plain'), plain);
  const full = job('full', {
    enabled: false,
    deleteAfterRun: true,
    schedule: { kind: 'cron', expr: '0 9 * * 1-5', tz: 'Europe/Berlin' },
    sessionTarget: 'main',
    wakeMode: 'next-heartbeat',
    payload: { kind: 'systemEvent', text: 'check the mail' },
    delivery: { mode: 'announce', channel: 'telegram', to: '12345' },
    state: { nextRunAtMs: 9000, lastRunAtMs: 8000, lastStatus: 'error', lastError: 'provider down', consecutiveErrors: 2 },
  });
  store.cronJobs.save(full);
  assert.deepEqual(store.cronJobs.get('full'), full);
  assert.equal(store.cronJobs.get('nope'), undefined);
});

test('save replaces every column of an existing job but keeps its creation time', (t) => {
  const store = tempStore(t);
  store.cronJobs.save(job('j', { delivery: { mode: 'announce', to: '1' }, state: { nextRunAtMs: 5, lastStatus: 'ok', consecutiveErrors: 0 } }));
  const changed = job('j', { name: 'renamed', createdAtMs: 999_999, updatedAtMs: 2000, schedule: { kind: 'at', at: '2030-01-01T09:00Z' }, state: { consecutiveErrors: 4 } });
  store.cronJobs.save(changed);
  const got = store.cronJobs.get('j');
  assert.equal(got?.name, 'renamed');
  assert.deepEqual(got?.schedule, { kind: 'at', at: '2030-01-01T09:00Z' });
  assert.equal(got?.delivery, undefined, 'a delivery removed is removed');
  assert.deepEqual(got?.state, { consecutiveErrors: 4 }, 'next run and last status cleared');
  assert.equal(got?.updatedAtMs, 2000);
  assert.equal(got?.createdAtMs, 1000, 'created_at_ms is never overwritten by an update');
  assert.equal(store.cronJobs.count(), 1);
});

test('list: oldest first; disabled jobs only when asked', (t) => {
  const store = tempStore(t);
  store.cronJobs.save(job('b', { createdAtMs: 20 }));
  store.cronJobs.save(job('a', { createdAtMs: 30, enabled: false }));
  store.cronJobs.save(job('c', { createdAtMs: 10 }));
  assert.deepEqual(store.cronJobs.list().map((j) => j.id), ['c', 'b', 'a']);
  assert.deepEqual(store.cronJobs.list(false).map((j) => j.id), ['c', 'b']);
  assert.equal(store.cronJobs.count(), 3);
});

test('scheduled: enabled jobs with a next run, soonest first', (t) => {
  const store = tempStore(t);
  store.cronJobs.save(job('later', { state: { nextRunAtMs: 900, consecutiveErrors: 0 } }));
  store.cronJobs.save(job('soon', { state: { nextRunAtMs: 100, consecutiveErrors: 0 } }));
  store.cronJobs.save(job('off', { enabled: false, state: { nextRunAtMs: 50, consecutiveErrors: 0 } }));
  store.cronJobs.save(job('done', { state: { lastRunAtMs: 10, lastStatus: 'ok', consecutiveErrors: 0 } }));
  assert.deepEqual(store.cronJobs.scheduled(), [
    { id: 'soon', nextRunAtMs: 100 },
    { id: 'later', nextRunAtMs: 900 },
  ]);
});

test('delete removes the job and says whether it was there; its run ledger stays', (t) => {
  const store = tempStore(t);
  store.cronJobs.save(job('j'));
  assert.ok(store.cronRuns.claim({ jobId: 'j', scheduledAtMs: 100, runId: 'r1', manual: false, startedAtMs: 100 }));
  assert.equal(store.cronJobs.delete('j'), true);
  assert.equal(store.cronJobs.delete('j'), false);
  assert.equal(store.cronJobs.get('j'), undefined);
  assert.equal(store.cronJobs.count(), 0);
  assert.equal(store.cronRuns.count('j'), 1, 'run history outlives the job');
});

test('the scheduler-only runningAtMs is not stored', (t) => {
  const store = tempStore(t);
  store.cronJobs.save(job('j', { state: { consecutiveErrors: 0, runningAtMs: 500 } }));
  assert.deepEqual(store.cronJobs.get('j')?.state, { consecutiveErrors: 0 });
});

test('who made a job reads back, survives updates, and agent-made jobs are counted per agent', (t) => {
  const store = tempStore(t);
  const made = job('made', { createdBy: { kind: 'agent', sessionKey: 'agent:main:main' } });
  store.cronJobs.save(made);
  store.cronJobs.save(job('owner'));
  store.cronJobs.save(job('other', { agentId: 'other', createdBy: { kind: 'agent', sessionKey: 'agent:other:main' } }));
  assert.deepEqual(store.cronJobs.get('made'), made);
  assert.equal(store.cronJobs.get('owner')!.createdBy, undefined, 'absent: the owner made it');
  store.cronJobs.save({ ...made, name: 'renamed', updatedAtMs: 2000 });
  assert.deepEqual(store.cronJobs.get('made')!.createdBy, { kind: 'agent', sessionKey: 'agent:main:main' });
  assert.equal(store.cronJobs.countMadeByAgent('main'), 1);
  assert.equal(store.cronJobs.countMadeByAgent('other'), 1);
  assert.equal(store.cronJobs.countMadeByAgent('nobody'), 0);
});
