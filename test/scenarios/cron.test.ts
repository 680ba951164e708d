// Cron against a real gateway process and a stand-in model: scheduled isolated runs, main-session system
// events, a job surviving a gateway restart between its schedule time and its run (exactly one run), and the
// cron-once part of DP-SECOND-INSTANCE (../shared/scenarios.md, group E) at the store level.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from '../../src/store/sqlite-driver.js';
import pino from 'pino';
import { resolveAgents } from '../../src/agents/agent-config.js';
import { createProvider } from '../../src/agents/providers/provider-factory.js';
import { AgentRuntime } from '../../src/agents/runtime.js';
import type { Config } from '../../src/config/schema.js';
import type { CronJob, CronRunEntry } from '../../src/protocol/cron-job.js';
import { CronService } from '../../src/cron/scheduler.js';
import { Store } from '../../src/store/store.js';
import { startAgentGateway, type AgentGateway } from '../helpers/agent-gateway.js';
import { startFakeOpenAi } from '../helpers/fake-openai.js';
import { lastOf } from '../helpers/runtime-harness.js';
import { DENY_ALL_GATE } from '../../src/approvals/deny-all-gate.js';
import { ProcessRegistry } from '../../src/agents/tools/exec/process-registry.js';
import { MemoryIndexes } from '../../src/agents/memory/memory-indexes.js';
import { NO_MESSAGE_TARGETS } from '../../src/agents/tools/message-port.js';
import { agentCronPort } from '../../src/cron/agent-cron-port.js';

let ag: AgentGateway;

before(async () => {
  ag = await startAgentGateway({ script: ({ body }) => ({ text: `done: ${lastOf(body, 'user')}` }) });
});
after(async () => {
  await ag.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function cliJson<T>(args: string[]): Promise<T> {
  const r = await ag.cli([...args, '--json']);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Poll `cron runs` until probe accepts the entries. */
async function runsUntil(id: string, probe: (entries: CronRunEntry[]) => boolean, timeoutMs: number): Promise<CronRunEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { entries } = await cliJson<{ entries: CronRunEntry[] }>(['cron', 'runs', id]);
    if (probe(entries)) return entries;
    if (Date.now() > deadline) throw new Error(`cron runs of ${id} never matched: ${JSON.stringify(entries)}`);
    await sleep(250);
  }
}

/** Model calls whose last user message contains text. */
const callsWith = (text: string) => ag.fake.requests.filter((r) => lastOf(r.body, 'user').includes(text)).length;

describe('cron in a running gateway', () => {
  test('an isolated every job runs on its schedule and its runs appear in cron runs', async () => {
    const job = await cliJson<CronJob>(['cron', 'add', '--name', 'every-e2e', '--every', '10s', '--message', 'every-canary']);
    assert.equal(job.sessionTarget, 'isolated');
    const list = await ag.cli(['cron', 'list']);
    assert.match(list.stdout, new RegExp(`${job.id.slice(0, 8)}\\s+every-e2e\\s+every 10s\\s+isolated`));
    const [run] = await runsUntil(job.id, (e) => e.some((x) => x.status === 'ok'), 20_000);
    assert.equal(run!.summary, 'done: every-canary');
    assert.equal(run!.manual, false);
    assert.equal(run!.scheduledAtMs, job.state.nextRunAtMs);
    const table = await ag.cli(['cron', 'runs', job.id.slice(0, 8)]);
    assert.match(table.stdout, new RegExp(`${run!.runId.slice(0, 8)}\\s+\\S+Z\\s+.*\\s+ok\\s+`));
    const rm = await ag.cli(['cron', 'rm', job.id.slice(0, 8)]);
    assert.equal(rm.code, 0, rm.stderr);
  });

  test('a main-session system event with wake now reaches the main session transcript', async () => {
    const job = await cliJson<CronJob>(['cron', 'add', '--name', 'alert', '--at', '+1s', '--session', 'main', '--system-event', 'disk almost full', '--wake', 'now']);
    await runsUntil(job.id, (e) => e[0]?.status === 'ok', 15_000);
    const history = await ag.cli(['sessions', 'history', 'agent:main:main']);
    assert.match(history.stdout, /user: \[system event\] disk almost full\nassistant: done: \[system event\] disk almost full/);
    const list = await cliJson<{ jobs: CronJob[] }>(['cron', 'list']);
    assert.ok(!list.jobs.some((j) => j.id === job.id), 'the one-shot job removed itself after its run');
  });

  test('a job whose time passes while the gateway is stopped runs exactly once after the restart', async () => {
    const job = await cliJson<CronJob>(['cron', 'add', '--name', 'restart', '--at', '+4s', '--message', 'restart-canary', '--keep-after-run']);
    await ag.gw.stop();
    const db = new Database(join(ag.stateDir, 'state.db'), { readonly: true });
    const ledger = () => db.prepare('SELECT count(*) AS n FROM cron_runs WHERE job_id = ?').get(job.id) as { n: number };
    try {
      assert.equal(ledger().n, 0, 'nothing ran before the stop');
      await sleep(Math.max(0, job.state.nextRunAtMs! - Date.now()) + 1000);
      await ag.restart();
      const [run] = await runsUntil(job.id, (e) => e[0]?.status === 'ok', 15_000);
      assert.equal(run!.scheduledAtMs, job.state.nextRunAtMs);
      await ag.restart();
      await sleep(1500);
      assert.equal(ledger().n, 1, 'one ledger row across two restarts');
    } finally {
      db.close();
    }
    assert.equal(callsWith('restart-canary'), 1, 'the model was asked once');
    const after = (await cliJson<{ jobs: CronJob[] }>(['cron', 'list'])).jobs.find((j) => j.id === job.id);
    assert.equal(after?.enabled, false, 'kept (--keep-after-run) and disabled');
  });

  test('without a running gateway, cron add names the command that starts it; cron list reads the store', async () => {
    await ag.gw.stop();
    try {
      const add = await ag.cli(['cron', 'add', '--name', 'x', '--every', '1h', '--message', 'm']);
      assert.notEqual(add.code, 0);
      assert.match(add.stderr, /the gateway is not running .* start it with: clawgate gateway start/);
      const list = await ag.cli(['cron', 'list']);
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, /restart\s+at /);
      assert.match(list.stderr, /the gateway is not running, so no job runs; start it with: clawgate gateway start/);
    } finally {
      await ag.restart();
    }
  });
});

describe('DP-SECOND-INSTANCE', () => {
  test('DP-SECOND-INSTANCE (cron-once): two schedulers on one state.db never run one scheduled time twice', async (t) => {
    const fake = await startFakeOpenAi(() => ({ text: 'ok' }));
    const dir = mkdtempSync(join(tmpdir(), 'cg-cron-'));
    const config = { models: { providers: { fake: { api: 'openai-completions', baseUrl: fake.url, apiKey: 'sk-test' } } }, agents: { defaults: { model: 'fake/fake-gpt' } } } as Config;
    const resolved = resolveAgents(config, {}, '/tmp/clawgate-test-state');
    const log = pino({ level: 'silent' });
    // Two "gateways": each its own store connection, runtime and scheduler, on the same file and clock.
    const clock = { now: Date.now() };
    const sides = [0, 1].map(() => {
      const store = Store.open(join(dir, 'state.db'));
      const memory = new MemoryIndexes(dir);
      const services = { approvals: DENY_ALL_GATE, processes: new ProcessRegistry({ hidden: [dir] }), memory, messages: NO_MESSAGE_TARGETS, cron: agentCronPort((): CronService => cron, NO_MESSAGE_TARGETS) };
      const runtime = new AgentRuntime({ store, log, config: () => resolved, createProvider, services });
      const cron = new CronService({ store, runtime, log, deliver: async () => undefined, now: () => clock.now });
      return { store, runtime, memory, cron };
    });
    t.after(async () => {
      for (const s of sides) {
        await s.runtime.close();
        s.memory.close();
        s.store.close();
      }
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const jobs = Array.from({ length: 8 }, (_, i) => sides[i % 2]!.cron.add({ name: `job-${i}`, schedule: { kind: 'every', everyMs: 60_000 }, payload: { kind: 'agentTurn', message: `job-${i}` } }));
    for (let minute = 1; minute <= 3; minute++) {
      clock.now += 60_000;
      // Both race for every due job in turn, in both orders.
      const started = minute % 2 === 0 ? [sides[1]!.cron.tick(), sides[0]!.cron.tick()] : [sides[0]!.cron.tick(), sides[1]!.cron.tick()];
      assert.equal(started[0]! + started[1]!, jobs.length, `minute ${minute}: each job once`);
      await Promise.all(sides.map((s) => s.cron.settled()));
    }
    for (const job of jobs) {
      const runs = sides[0]!.store.cronRuns.list(job.id);
      assert.equal(runs.length, 3);
      assert.equal(new Set(runs.map((r) => r.scheduledAtMs)).size, 3, 'three distinct scheduled times');
      assert.ok(runs.every((r) => r.status === 'ok'));
    }
    assert.equal(fake.requests.length, jobs.length * 3, 'one model call per (job, time)');
  });
});
