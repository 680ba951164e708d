import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempStore } from '../../test/helpers/temp-store.js';
import type { CronJob } from '../protocol/cron-job.js';
import { SHORT_RUN_ID_CHARS, claimDue, claimManual, runSessionKey } from './claim.js';

const MIN = 60_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % MIN);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const job = (id: string, over: Partial<CronJob> = {}): CronJob => ({
  id,
  name: `job ${id}`,
  agentId: 'main',
  enabled: true,
  deleteAfterRun: false,
  createdAtMs: T0 - MIN,
  updatedAtMs: T0 - MIN,
  schedule: { kind: 'every', everyMs: MIN },
  sessionTarget: 'isolated',
  wakeMode: 'now',
  payload: { kind: 'agentTurn', message: 'report' },
  state: { nextRunAtMs: T0, consecutiveErrors: 0 },
  ...over,
});

const mainEventJob = (id: string, wakeMode: CronJob['wakeMode']): CronJob =>
  job(id, { sessionTarget: 'main', wakeMode, payload: { kind: 'systemEvent', text: 'check the mail' } });

test('a due job is claimed once: the ledger row, the claim and the advanced job agree', (t) => {
  const store = tempStore(t);
  store.cronJobs.save(job('j1'));
  const claim = claimDue(store, 'j1', T0 + 5);
  assert.ok(claim);
  assert.equal(claim.scheduledAtMs, T0);
  assert.equal(claim.manual, false);
  assert.equal(claim.startedAtMs, T0 + 5);
  assert.match(claim.runId, UUID);
  assert.equal(claim.sessionKey, `agent:main:cron:j1:${claim.runId.slice(0, 8)}`);
  assert.equal('events' in claim, false, 'an isolated job takes no system events');
  // The claim carries the job as advanced: next run from now, updated now.
  assert.equal(claim.job.state.nextRunAtMs, T0 + MIN);
  assert.equal(claim.job.updatedAtMs, T0 + 5);
  assert.deepEqual(store.cronJobs.get('j1'), claim.job);
  const row = store.cronRuns.get('j1', T0);
  assert.ok(row);
  assert.equal(row.runId, claim.runId);
  assert.equal(row.status, 'running');
  assert.equal(row.manual, false);
  assert.equal(row.startedAtMs, T0 + 5);
  assert.equal(row.sessionKey, claim.sessionKey);
  assert.equal(row.skipped, undefined, 'nothing was skipped');
});

test('a double claim of the same run is refused by the store itself: the second claimDue gets nothing, the ledger keeps one row', (t) => {
  const store = tempStore(t);
  store.cronJobs.save(job('j1'));
  const first = claimDue(store, 'j1', T0);
  assert.ok(first);
  // A second process that read the job before the first claim committed: the same due time is stored again.
  store.cronJobs.save(job('j1'));
  assert.equal(claimDue(store, 'j1', T0), undefined);
  assert.equal(store.cronRuns.count('j1'), 1);
  assert.equal(store.cronRuns.get('j1', T0)?.runId, first.runId, 'the first claim keeps the run');
  // The job still moves on, so the taken time is not retried.
  assert.equal(store.cronJobs.get('j1')?.state.nextRunAtMs, T0 + MIN);
});

test('a time another process already wrote to the ledger is not run here, and queues no event', (t) => {
  const store = tempStore(t);
  store.cronJobs.save(mainEventJob('j1', 'next-heartbeat'));
  assert.equal(store.cronRuns.claim({ jobId: 'j1', scheduledAtMs: T0, runId: 'elsewhere', manual: false, startedAtMs: T0 }), true);
  assert.equal(claimDue(store, 'j1', T0), undefined);
  assert.equal(store.cronRuns.get('j1', T0)?.runId, 'elsewhere');
  assert.equal(store.systemEvents.count(), 0);
  assert.equal(store.cronJobs.get('j1')?.state.nextRunAtMs, T0 + MIN);
});

test('a job is claimed only when it exists, is enabled and its next run is due (due at exactly now counts)', (t) => {
  const store = tempStore(t);
  assert.equal(claimDue(store, 'ghost', T0), undefined);
  store.cronJobs.save(job('early'));
  assert.equal(claimDue(store, 'early', T0 - 1), undefined);
  assert.equal(store.cronJobs.get('early')?.state.nextRunAtMs, T0, 'a job not due is left as it was');
  assert.equal(store.cronRuns.count('early'), 0);
  assert.ok(claimDue(store, 'early', T0));
  store.cronJobs.save(job('off', { enabled: false }));
  assert.equal(claimDue(store, 'off', T0 + MIN), undefined);
  assert.equal(store.cronRuns.count('off'), 0);
  store.cronJobs.save(job('never', { state: { consecutiveErrors: 0 } }));
  assert.equal(claimDue(store, 'never', T0 + MIN), undefined);
  assert.equal(store.cronRuns.count('never'), 0);
});

test('after downtime the latest missed time runs once and the earlier ones are counted as skipped', (t) => {
  const store = tempStore(t);
  store.cronJobs.save(job('j1'));
  const claim = claimDue(store, 'j1', T0 + 3 * MIN + 10);
  assert.ok(claim);
  assert.equal(claim.scheduledAtMs, T0 + 3 * MIN);
  assert.equal(store.cronRuns.get('j1', T0 + 3 * MIN)?.skipped, 3);
  assert.equal(claim.job.state.nextRunAtMs, T0 + 4 * MIN);
  assert.equal(store.cronRuns.count('j1'), 1);
});

test('a one-shot (at) job has no next run once claimed', (t) => {
  const store = tempStore(t);
  store.cronJobs.save(job('once', { schedule: { kind: 'at', at: new Date(T0).toISOString() } }));
  const claim = claimDue(store, 'once', T0 + 1);
  assert.ok(claim);
  assert.equal(claim.scheduledAtMs, T0);
  assert.equal('nextRunAtMs' in claim.job.state, false);
  assert.equal(store.cronJobs.get('once')?.state.nextRunAtMs, undefined);
  assert.equal(claimDue(store, 'once', T0 + 2), undefined, 'it is not due again');
});

test("a main job's system event is queued to the agent's main session; waking now takes it into the run in the same claim", (t) => {
  const store = tempStore(t);
  store.cronJobs.save(mainEventJob('now', 'now'));
  const claim = claimDue(store, 'now', T0);
  assert.ok(claim);
  assert.equal(claim.sessionKey, 'agent:main:main');
  assert.equal(claim.events?.length, 1);
  assert.equal(claim.events?.[0]?.text, 'check the mail');
  assert.equal(claim.events?.[0]?.source, 'cron:now');
  assert.equal(claim.events?.[0]?.sessionKey, 'agent:main:main');
  assert.equal(claim.events?.[0]?.createdAtMs, T0);
  assert.equal(store.systemEvents.count(), 0, 'the run consumed it');
});

test('a main job waking at the next heartbeat leaves its event queued and its claim carries none', (t) => {
  const store = tempStore(t);
  store.cronJobs.save(mainEventJob('later', 'next-heartbeat'));
  const claim = claimDue(store, 'later', T0);
  assert.ok(claim);
  assert.equal('events' in claim, false);
  const queued = store.systemEvents.list('agent:main:main');
  assert.equal(queued.length, 1);
  assert.equal(queued[0]?.text, 'check the mail');
});

test('only a main job with a system-event payload queues an event', (t) => {
  const store = tempStore(t);
  store.cronJobs.save(job('iso-event', { payload: { kind: 'systemEvent', text: 'x' } }));
  store.cronJobs.save(job('main-turn', { sessionTarget: 'main' }));
  const a = claimDue(store, 'iso-event', T0);
  const b = claimDue(store, 'main-turn', T0);
  assert.ok(a && b);
  assert.equal('events' in a, false);
  assert.equal('events' in b, false);
  assert.equal(store.systemEvents.count(), 0);
});

test('a manual run is a ledger row at now with manual set; the schedule is untouched', (t) => {
  const store = tempStore(t);
  const j = job('j1');
  store.cronJobs.save(j);
  const claim = claimManual(store, j, T0 - 30_000);
  assert.equal(claim.manual, true);
  assert.equal(claim.scheduledAtMs, T0 - 30_000);
  assert.equal(claim.startedAtMs, T0 - 30_000);
  assert.match(claim.runId, UUID);
  assert.equal(claim.sessionKey, runSessionKey(j, claim.runId));
  assert.deepEqual(store.cronJobs.get('j1'), j);
  const row = store.cronRuns.get('j1', T0 - 30_000);
  assert.equal(row?.manual, true);
  assert.equal(row?.runId, claim.runId);
  assert.equal(row?.sessionKey, claim.sessionKey);
});

test('manual runs in the same millisecond get distinct ledger times, each one later', (t) => {
  const store = tempStore(t);
  const j = job('j1');
  store.cronJobs.save(j);
  const times = [claimManual(store, j, T0), claimManual(store, j, T0), claimManual(store, j, T0)].map((c) => c.scheduledAtMs);
  assert.deepEqual(times, [T0, T0 + 1, T0 + 2]);
  assert.equal(store.cronRuns.count('j1'), 3);
});

test("a manual run of a main job that wakes now takes the job's event", (t) => {
  const store = tempStore(t);
  const j = mainEventJob('m', 'now');
  store.cronJobs.save(j);
  const claim = claimManual(store, j, T0);
  assert.deepEqual(claim.events?.map((e) => e.text), ['check the mail']);
  assert.equal(store.systemEvents.count(), 0);
});

test('the session of a run: the main session for main jobs, else a fresh cron session named by the short run id', () => {
  const runId = '0123456789abcdef-rest';
  assert.equal(SHORT_RUN_ID_CHARS, 8);
  assert.equal(runSessionKey(job('j', { agentId: 'ops' }), runId), 'agent:ops:cron:j:01234567');
  assert.equal(runSessionKey(job('j', { agentId: 'ops', sessionTarget: 'main' }), runId), 'agent:ops:main');
});
