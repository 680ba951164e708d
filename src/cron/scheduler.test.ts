import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { lastOf, runtimeHarness, type RuntimeHarness } from '../../test/helpers/runtime-harness.js';
import type { ChannelTarget } from '../channels/channel.js';
import type { CronJobInput } from '../protocol/cron-job.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { Store } from '../store/store.js';
import { claimDue } from './claim.js';
import { Heartbeat } from './heartbeat.js';
import { CronService } from './scheduler.js';

const log = pino({ level: 'silent' });

interface Setup {
  readonly h: RuntimeHarness;
  readonly service: CronService;
  readonly clock: { now: number };
  readonly delivered: Array<{ target: ChannelTarget; text: string }>;
}

/** A CronService on a real runtime and store; its clock moves only when the test moves it. */
async function setup(t: TestContext, opts: { script?: Parameters<typeof runtimeHarness>[1]; deliver?: (target: ChannelTarget, text: string) => Promise<void> } = {}): Promise<Setup> {
  const h = await runtimeHarness(t, opts.script ?? (({ body }) => ({ text: `echo: ${lastOf(body, 'user')}` })));
  const clock = { now: Date.now() };
  const delivered: Array<{ target: ChannelTarget; text: string }> = [];
  const deliver = opts.deliver ?? (async (target: ChannelTarget, text: string) => void delivered.push({ target, text }));
  const service = new CronService({ store: h.store, runtime: h.runtime, log, deliver, now: () => clock.now });
  t.after(() => service.stop());
  return { h, service, clock, delivered };
}

const isolated = (over: Partial<CronJobInput> = {}): CronJobInput => ({ name: 'digest', schedule: { kind: 'every', everyMs: 60_000 }, payload: { kind: 'agentTurn', message: 'ping' }, ...over });

describe('runs', () => {
  test('an isolated job runs in a fresh cron session; the ledger and the job record status, summary and session', async (t) => {
    const { h, service, clock } = await setup(t);
    const job = service.add(isolated());
    assert.equal(job.sessionTarget, 'isolated');
    assert.equal(job.state.nextRunAtMs, clock.now + 60_000);
    assert.equal(service.tick(), 0, 'not due yet');
    clock.now += 60_000;
    assert.equal(service.tick(), 1);
    await service.settled();
    const [run, ...rest] = service.runs(job.id);
    assert.equal(rest.length, 0);
    assert.equal(run!.status, 'ok');
    assert.equal(run!.summary, 'echo: ping');
    assert.equal(run!.manual, false);
    assert.equal(run!.scheduledAtMs, job.state.nextRunAtMs);
    assert.match(run!.sessionKey!, new RegExp(`^agent:main:cron:${job.id}:[0-9a-f]{8}$`));
    assert.equal(h.runtime.history(run!.sessionKey!, 10)[0]?.message.role, 'user');
    const after = service.get(job.id);
    assert.equal(after.state.lastStatus, 'ok');
    assert.equal(after.state.nextRunAtMs, job.state.nextRunAtMs! + 60_000);
  });

  test('after downtime a job catches up at most once: the latest missed time runs, the rest are skipped', async (t) => {
    const { h, service, clock } = await setup(t);
    const job = service.add(isolated());
    const anchor = clock.now;
    clock.now = anchor + 10 * 60_000 + 5_000;
    assert.equal(service.tick(), 1);
    assert.equal(service.tick(), 0, 'the same moment claims nothing more');
    await service.settled();
    assert.equal(service.tick(), 0);
    const runs = service.runs(job.id);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.scheduledAtMs, anchor + 10 * 60_000);
    assert.equal(runs[0]!.skipped, 9);
    assert.equal(h.fake.requests.length, 1);
    assert.equal(service.get(job.id).state.nextRunAtMs, anchor + 11 * 60_000, 'the next time is computed from now');
  });

  test('a manual run is a ledger row with manual=1 at now; the schedule does not move', async (t) => {
    const { service, clock } = await setup(t);
    const job = service.add(isolated());
    const { runId } = service.runNow(job.id);
    await service.settled();
    const [run] = service.runs(job.id);
    assert.equal(run!.runId, runId);
    assert.equal(run!.manual, true);
    assert.equal(run!.scheduledAtMs, clock.now);
    assert.equal(service.get(job.id).state.nextRunAtMs, job.state.nextRunAtMs);
    assert.throws(() => service.runNow('nope'), (e: unknown) => e instanceof ClawgateError && e.code === 'UNKNOWN_CRON_JOB');
  });

  test('the timer fires a due job by itself, armed when the job is added', async (t) => {
    const h = await runtimeHarness(t, () => ({ text: 'on time' }));
    const service = new CronService({ store: h.store, runtime: h.runtime, log, deliver: async () => undefined });
    service.start();
    t.after(() => service.stop());
    const job = service.add({ ...isolated(), schedule: { kind: 'at', at: new Date(Date.now() + 150).toISOString() }, deleteAfterRun: false });
    for (let i = 0; i < 100 && service.runs(job.id)[0]?.status !== 'ok'; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(service.runs(job.id)[0]?.status, 'ok');
    assert.equal(service.status().enabled, true);
  });
});

describe('main session', () => {
  test('wake now: one turn consumes every queued event as "[system event] ..." lines', async (t) => {
    const { h, service, clock } = await setup(t);
    h.store.write(() => h.store.systemEvents.enqueue('agent:main:main', 'earlier event', 'test', clock.now));
    const job = service.add({ name: 'disk', schedule: { kind: 'at', at: '+1m' }, payload: { kind: 'systemEvent', text: 'disk almost full' } });
    assert.equal(job.sessionTarget, 'main');
    assert.equal(job.deleteAfterRun, true, 'one-shot jobs are removed after their run by default');
    clock.now += 60_000;
    assert.equal(service.tick(), 1);
    await service.settled();
    const turn = h.runtime.history('agent:main:main', 10).find((m) => m.message.role === 'user');
    assert.deepEqual(turn?.message, { role: 'user', text: '[system event] earlier event\n[system event] disk almost full' });
    assert.equal(h.store.systemEvents.count(), 0, 'consumed');
    assert.equal(h.store.cronJobs.get(job.id), undefined, 'the one-shot job is gone');
    assert.equal(service.runs(job.id)[0]?.status, 'ok', 'its run stays in the ledger');
  });

  test('wake next-heartbeat: the event waits; the heartbeat turn consumes it', async (t) => {
    const { h, service, clock } = await setup(t);
    const job = service.add({ name: 'note', schedule: { kind: 'every', everyMs: 60_000 }, payload: { kind: 'systemEvent', text: 'backup finished' }, wakeMode: 'next-heartbeat' });
    clock.now += 60_000;
    service.tick();
    await service.settled();
    assert.equal(h.store.systemEvents.count(), 1);
    assert.equal(h.fake.requests.length, 0, 'no turn yet');
    assert.equal(service.runs(job.id)[0]?.summary, 'queued for the next heartbeat');
    const beat = new Heartbeat({ store: h.store, runtime: h.runtime, log, everyMs: 60_000 });
    const [runId, ...more] = beat.beat();
    assert.equal(more.length, 0);
    assert.equal((await h.runtime.wait(runId!, 10_000))?.status, 'ok');
    assert.equal(lastOf(h.fake.requests[0]!.body, 'user'), '[system event] backup finished');
    assert.equal(h.store.systemEvents.count(), 0);
    assert.deepEqual(beat.beat(), [], 'nothing queued, no turn');
  });
});

describe('errors and delivery', () => {
  test('recurring jobs back off after consecutive errors and reset on success; the owner gets the code, never the body', async (t) => {
    let failing = true;
    const { service, clock, delivered } = await setup(t, { script: () => (failing ? { status: 400, body: '{"error":{"message":"PROVIDER-BODY-CANARY"}}' } : { text: 'fine' }) });
    const job = service.add(isolated({ schedule: { kind: 'every', everyMs: 10_000 }, delivery: { mode: 'announce', channel: 'telegram', to: '42' } }));
    const anchor = clock.now;
    clock.now = anchor + 10_000;
    service.tick();
    await service.settled();
    let state = service.get(job.id).state;
    assert.equal(state.consecutiveErrors, 1);
    assert.equal(state.nextRunAtMs, anchor + 40_000, 'max(schedule next, now + 30 s)');
    assert.equal(service.runs(job.id)[0]?.errorCode, 'PROVIDER_BAD_REQUEST');
    clock.now = anchor + 40_000;
    service.tick();
    await service.settled();
    state = service.get(job.id).state;
    assert.equal(state.consecutiveErrors, 2);
    assert.equal(state.nextRunAtMs, anchor + 100_000, 'now + 1 m');
    failing = false;
    clock.now = anchor + 100_000;
    service.tick();
    await service.settled();
    state = service.get(job.id).state;
    assert.equal(state.consecutiveErrors, 0);
    assert.equal(state.nextRunAtMs, anchor + 110_000);
    assert.deepEqual(delivered.map((d) => d.target), [{ channel: 'telegram', to: '42' }, { channel: 'telegram', to: '42' }, { channel: 'telegram', to: '42' }]);
    assert.match(delivered[0]!.text, /^Cron job "digest" failed \(PROVIDER_BAD_REQUEST\)/);
    assert.ok(delivered.every((d) => !d.text.includes('CANARY')), 'no provider body is announced');
    assert.equal(delivered[2]!.text, 'fine');
  });

  test('a delivery failure is recorded on the run and does not fail it', async (t) => {
    const { service, clock } = await setup(t, { deliver: () => Promise.reject(new ClawgateError('CHANNEL_UNAVAILABLE', 'telegram is not running')) });
    const job = service.add(isolated({ delivery: { mode: 'announce', channel: 'telegram', to: '42' } }));
    clock.now += 60_000;
    service.tick();
    await service.settled();
    const [run] = service.runs(job.id);
    assert.equal(run!.status, 'ok');
    assert.equal(run!.deliveryStatus, 'not-delivered');
    assert.equal(run!.deliveryError, 'telegram is not running');
    assert.equal(service.get(job.id).state.consecutiveErrors, 0);
  });

  test('a one-shot job kept after its run is disabled', async (t) => {
    const { service, clock } = await setup(t);
    const job = service.add(isolated({ schedule: { kind: 'at', at: '+5m' }, deleteAfterRun: false }));
    clock.now += 5 * 60_000;
    service.tick();
    await service.settled();
    const after = service.get(job.id);
    assert.equal(after.enabled, false);
    assert.equal(after.state.nextRunAtMs, undefined);
    assert.equal(after.state.lastStatus, 'ok');
  });
});

describe('exactly once', () => {
  test('two schedulers on one store file never run one scheduled time twice', async (t) => {
    const { h, service: a, clock } = await setup(t);
    const storeB = Store.open(h.store.db.name);
    t.after(() => storeB.close());
    const b = new CronService({ store: storeB, runtime: h.runtime, log, deliver: async () => undefined, now: () => clock.now });
    const jobs = [a.add(isolated({ name: 'one' })), a.add(isolated({ name: 'two' })), a.add(isolated({ name: 'three' }))];
    clock.now += 60_000;
    const started = [b.tick(), a.tick(), b.tick()];
    assert.equal(started.reduce((x, y) => x + y, 0), 3);
    await Promise.all([a.settled(), b.settled()]);
    for (const job of jobs) assert.equal(h.store.cronRuns.count(job.id), 1);
    assert.equal(h.fake.requests.length, 3);
  });

  test('the ledger refuses a time already taken even when a stale job row says it is due', async (t) => {
    const { h, service, clock } = await setup(t);
    const job = service.add(isolated());
    clock.now += 60_000;
    service.tick();
    await service.settled();
    // What a process that read the job before the claim committed would see: the same due time.
    h.store.db.prepare('UPDATE cron_jobs SET next_run_at_ms = ? WHERE job_id = ?').run(job.state.nextRunAtMs!, job.id);
    assert.equal(claimDue(h.store, job.id, clock.now), undefined);
    assert.equal(h.store.cronRuns.count(job.id), 1);
    assert.equal(service.get(job.id).state.nextRunAtMs, job.state.nextRunAtMs! + 60_000, 'the job still moves on');
  });
});

describe('validation', () => {
  test('names, texts, agents and targets are checked with the fix named', async (t) => {
    const { service } = await setup(t);
    const code = (fn: () => unknown, expected: string, pattern: RegExp) =>
      assert.throws(fn, (e: unknown) => e instanceof ClawgateError && e.code === expected && pattern.test(e.message));
    code(() => service.add(isolated({ name: 'x'.repeat(201) })), 'INVALID_PARAMS', /name must be 1-200 characters/);
    code(() => service.add(isolated({ agentId: 'ghost' })), 'UNKNOWN_AGENT', /unknown agent "ghost" \(configured: main\)/);
    code(() => service.add(isolated({ sessionTarget: 'main' })), 'INVALID_PARAMS', /main-session job queues a system event/);
    code(() => service.add({ name: 'x', schedule: { kind: 'every', everyMs: 60_000 }, payload: { kind: 'systemEvent', text: 'x' }, delivery: { mode: 'announce', channel: 'telegram', to: '1' } }), 'INVALID_PARAMS', /announce delivery sends the result of an isolated run/);
    code(() => service.add(isolated({ schedule: { kind: 'every', everyMs: 5_000 } })), 'INVALID_PARAMS', /every must be at least 10s/);
    code(() => service.update('nope', { enabled: false }), 'UNKNOWN_CRON_JOB', /see clawgate cron list/);
    assert.equal(service.list(true).length, 0, 'nothing was stored');
  });

  test('disable clears the next run; enable recomputes it from now; remove reports whether the job existed', async (t) => {
    const { service, clock } = await setup(t);
    const job = service.add(isolated());
    assert.equal(service.update(job.id, { enabled: false }).state.nextRunAtMs, undefined);
    assert.deepEqual(service.list().map((j) => j.id), [], 'cron.list hides disabled jobs unless asked');
    clock.now += 90_000;
    const enabled = service.update(job.id, { enabled: true });
    assert.equal(enabled.state.nextRunAtMs, job.state.nextRunAtMs! + 60_000, 'the first anchored time after now');
    assert.equal(service.remove(job.id), true);
    assert.equal(service.remove(job.id), false);
  });
});
