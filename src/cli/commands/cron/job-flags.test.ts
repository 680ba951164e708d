import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { inputFromFlags, patchFromFlags } from './job-flags.js';

const usage = (fn: () => unknown, pattern: RegExp) => assert.throws(fn, (e: unknown) => e instanceof ClawgateError && e.code === 'USAGE' && pattern.test(e.message));

test('cron add flags become cron.add params: schedule, payload, delivery, options', () => {
  assert.deepEqual(inputFromFlags({ name: 'digest', every: '1h', message: 'summarize', announce: true, channel: 'telegram', to: '123' }), {
    name: 'digest',
    schedule: { kind: 'every', everyMs: 3_600_000 },
    payload: { kind: 'agentTurn', message: 'summarize' },
    delivery: { mode: 'announce', channel: 'telegram', to: '123' },
  });
  assert.deepEqual(inputFromFlags({ name: 'remind', at: '+20m', session: 'main', systemEvent: 'stand up', wake: 'next-heartbeat', agent: 'ops', keepAfterRun: true }), {
    name: 'remind',
    schedule: { kind: 'at', at: '+20m' },
    sessionTarget: 'main',
    wakeMode: 'next-heartbeat',
    payload: { kind: 'systemEvent', text: 'stand up' },
    agentId: 'ops',
    deleteAfterRun: false,
  });
  assert.deepEqual(inputFromFlags({ name: 'n', cron: '0 9 * * 1-5', tz: 'Europe/Berlin', message: 'm' }).schedule, { kind: 'cron', expr: '0 9 * * 1-5', tz: 'Europe/Berlin' });
});

test('missing or conflicting flags name the fix', () => {
  usage(() => inputFromFlags({ every: '1h', message: 'm' }), /needs --name/);
  usage(() => inputFromFlags({ name: 'n', message: 'm' }), /needs a schedule: --at, --every or --cron/);
  usage(() => inputFromFlags({ name: 'n', every: '1h' }), /--system-event TEXT .* or --message TEXT/);
  usage(() => inputFromFlags({ name: 'n', every: '1h', at: '+1m', message: 'm' }), /give one schedule/);
  usage(() => inputFromFlags({ name: 'n', every: '1h', tz: 'UTC', message: 'm' }), /--tz applies to --cron/);
  usage(() => inputFromFlags({ name: 'n', every: '1h', message: 'm', announce: true, channel: 'telegram' }), /--announce --channel telegram needs --to .*, or use --channel last/);
  assert.deepEqual(inputFromFlags({ name: 'n', every: '1h', message: 'm', announce: true }).delivery, { mode: 'announce', channel: 'last' }, '--announce alone: the last chat');
  usage(() => inputFromFlags({ name: 'n', every: '1h', message: 'm', session: 'both' }), /--session takes main or isolated/);
  usage(() => inputFromFlags({ name: 'n', every: '1h', message: 'm', systemEvent: 's' }), /not both/);
  assert.throws(() => inputFromFlags({ name: 'n', every: '5s', message: 'm' }), (e: unknown) => e instanceof ClawgateError && e.code === 'INVALID_PARAMS' && /--every must be at least 10s/.test(e.message));
});

test('cron edit flags become a patch of only what was given', () => {
  assert.deepEqual(patchFromFlags({ every: '30m' }), { schedule: { kind: 'every', everyMs: 1_800_000 } });
  assert.deepEqual(patchFromFlags({ clearDelivery: true }), { delivery: { mode: 'none' } });
  usage(() => patchFromFlags({}), /nothing to change/);
});
