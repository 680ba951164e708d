import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile } from '../protocol/schema.js';
import { cronAdd, cronUpdate, METHODS } from '../protocol/methods/index.js';
import { tableOf } from '../../test/helpers/serve-methods.js';
import type { CronService } from './scheduler.js';
import { cronMethods } from './rpc-methods.js';

test('cron methods are served with OpenClaw scopes: reads need operator.read, changes operator.admin', () => {
  const table = tableOf(cronMethods({} as CronService));
  const scopes = Object.fromEntries(['cron.list', 'cron.status', 'cron.runs', 'cron.add', 'cron.update', 'cron.remove', 'cron.run'].map((m) => [m, METHODS.get(m)?.scope]));
  assert.deepEqual(scopes, {
    'cron.list': 'operator.read',
    'cron.status': 'operator.read',
    'cron.runs': 'operator.read',
    'cron.add': 'operator.admin',
    'cron.update': 'operator.admin',
    'cron.remove': 'operator.admin',
    'cron.run': 'operator.admin',
  });
  for (const name of Object.keys(scopes)) assert.ok(table.has(name), `${name} has a handler`);
});

test('cron.add params: OpenClaw field names, closed objects, bounded texts', () => {
  const check = compile(cronAdd.params);
  assert.ok(check.check({ name: 'n', schedule: { kind: 'cron', expr: '0 9 * * *', tz: 'Europe/Berlin' }, sessionTarget: 'isolated', wakeMode: 'now', payload: { kind: 'agentTurn', message: 'hi' }, delivery: { mode: 'announce', channel: 'telegram', to: '1' } }));
  assert.ok(check.check({ name: 'n', schedule: { kind: 'at', at: '+20m' }, payload: { kind: 'systemEvent', text: 'x' } }));
  assert.ok(!check.check({ name: 'x'.repeat(201), schedule: { kind: 'at', at: '+20m' }, payload: { kind: 'systemEvent', text: 'x' } }), 'name over 200');
  assert.ok(!check.check({ name: 'n', schedule: { kind: 'every', everyMs: 60_000, extra: 1 }, payload: { kind: 'systemEvent', text: 'x' } }), 'closed schedule');
  assert.ok(!check.check({ name: 'n', schedule: { kind: 'at', at: '+1m' }, payload: { kind: 'agentTurn', message: '' } }), 'empty message');
  assert.ok(compile(cronUpdate.params).check({ id: 'j', patch: { enabled: false } }));
  assert.ok(!compile(cronUpdate.params).check({ id: 'j', patch: { bogus: 1 } }), 'closed patch');
});

test('cron.add accepts what OpenClaw clients send (agentId null, description, sessionKey, staggerMs, agentTurn extras, bestEffort)', () => {
  const check = compile(cronAdd.params);
  const fromOpenClaw = {
    name: 'morning',
    description: 'daily summary',
    agentId: null,
    sessionKey: null,
    enabled: true,
    schedule: { kind: 'cron', expr: '0 9 * * *', tz: 'Europe/Berlin', staggerMs: 0 },
    sessionTarget: 'isolated',
    wakeMode: 'next-heartbeat',
    payload: { kind: 'agentTurn', message: 'summarize', model: 'fake/x', thinking: 'low', timeoutSeconds: 60, deliver: true, channel: 'telegram', to: '1', bestEffortDeliver: true },
    delivery: { mode: 'announce', channel: 'telegram', to: '1', bestEffort: true },
  };
  assert.ok(check.check(fromOpenClaw), check.errors(fromOpenClaw).join('; '));
  assert.ok(check.check({ name: 'n', schedule: { kind: 'every', everyMs: 60_000 }, payload: { kind: 'systemEvent', text: 'x' }, delivery: { mode: 'none', bestEffort: false } }));
  // `openclaw cron add --session isolated --message …` without --announce, and with --no-deliver.
  assert.ok(check.check({ name: 'n', schedule: { kind: 'every', everyMs: 60_000 }, sessionTarget: 'isolated', payload: { kind: 'agentTurn', message: 'x' }, delivery: { mode: 'announce', channel: 'last' } }));
  assert.ok(check.check({ name: 'n', schedule: { kind: 'every', everyMs: 60_000 }, sessionTarget: 'isolated', payload: { kind: 'agentTurn', message: 'x' }, delivery: { mode: 'none', channel: 'last' } }));
  assert.ok(!check.check({ ...fromOpenClaw, payload: { kind: 'agentTurn', message: 'x', bogus: 1 } }), 'still closed to unknown keys');
});

test('an OpenClaw-shaped job is built with the default agent for agentId null, and the ignored keys are not stored', async () => {
  const { buildJob } = await import('./job-input.js');
  const { CronJobSchema } = await import('../protocol/cron-job.js');
  const job = buildJob(
    { name: 'n', description: 'd', agentId: null, sessionKey: null, schedule: { kind: 'every', everyMs: 60_000 }, sessionTarget: 'isolated', wakeMode: 'now', payload: { kind: 'agentTurn', message: 'hi' } },
    { ids: ['main', 'ops'], defaultId: 'ops' },
    Date.UTC(2030, 0, 1),
  );
  assert.equal(job.agentId, 'ops');
  assert.ok(!('description' in job) && !('sessionKey' in job));
  assert.ok(compile(CronJobSchema).check(job), 'the job matches the result schema');
});
