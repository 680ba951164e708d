import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configValidator, type Config } from '../config/schema.js';
import { semanticProblems } from '../config/semantic-problems.js';
import { heartbeatEveryMs } from './heartbeat.js';

const withHeartbeat = (every: string): Config => ({ agents: { defaults: { heartbeat: { every } } } });

test('the heartbeat is off unless agents.defaults.heartbeat.every is set', () => {
  assert.equal(heartbeatEveryMs(undefined), undefined);
  assert.equal(heartbeatEveryMs({}), undefined);
  assert.equal(heartbeatEveryMs(withHeartbeat('30m')), 1_800_000);
});

test('agents.defaults.heartbeat.every takes a duration of at least 10 s; the heartbeat object is closed', () => {
  assert.ok(configValidator.check(withHeartbeat('1h30m')));
  assert.deepEqual(semanticProblems(withHeartbeat('1h30m')), []);
  assert.ok(!configValidator.check(withHeartbeat('every hour')), 'not a duration');
  assert.ok(!configValidator.check({ agents: { defaults: { heartbeat: { every: '1h', target: 'x' } } } }), 'unknown key');
  assert.deepEqual(semanticProblems(withHeartbeat('5s')), ['agents.defaults.heartbeat.every must be at least 10s']);
});
