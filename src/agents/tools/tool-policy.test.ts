import assert from 'node:assert/strict';
import test from 'node:test';
import { effectivePolicy, toolAllowed } from './tool-policy.js';

const allowed = (policy: ReturnType<typeof effectivePolicy>, names: string[]) => names.filter((n) => toolAllowed(policy, n));
const ALL = ['read', 'write', 'exec', 'process', 'web_fetch', 'memory_search', 'message', 'cron', 'sessions_spawn', 'session_status'];

test('no profile and no lists: every tool', () => {
  assert.deepEqual(allowed(effectivePolicy({ global: {}, agent: {} }), ALL), ALL);
});

test('a profile is a base allow list: coding has files, runtime, sessions and memory but no web or messages', () => {
  assert.deepEqual(allowed(effectivePolicy({ global: { profile: 'coding' }, agent: {} }), ALL), ['read', 'write', 'exec', 'process', 'memory_search', 'sessions_spawn', 'session_status']);
  assert.deepEqual(allowed(effectivePolicy({ global: { profile: 'minimal' }, agent: {} }), ALL), ['session_status']);
  assert.deepEqual(allowed(effectivePolicy({ global: { profile: 'messaging' }, agent: {} }), ALL), ['message', 'session_status']);
});

test('with a profile, allow adds to it; deny of either level wins', () => {
  const p = effectivePolicy({ global: { profile: 'messaging', allow: ['web_fetch'], deny: ['message'] }, agent: {} });
  assert.deepEqual(allowed(p, ALL), ['web_fetch', 'session_status']);
  const q = effectivePolicy({ global: { profile: 'coding' }, agent: { deny: ['group:runtime'] } });
  assert.ok(!toolAllowed(q, 'exec') && !toolAllowed(q, 'process') && toolAllowed(q, 'read'));
});

test("an agent's profile overrides the global one", () => {
  const p = effectivePolicy({ global: { profile: 'full' }, agent: { profile: 'minimal' } });
  assert.deepEqual(allowed(p, ALL), ['session_status']);
});

test('without a profile an allow list restricts; the agent list replaces the global one', () => {
  assert.deepEqual(allowed(effectivePolicy({ global: { allow: ['group:web'] }, agent: {} }), ALL), ['web_fetch']);
  assert.deepEqual(allowed(effectivePolicy({ global: { allow: ['group:web'] }, agent: { allow: ['read', 'sessions_*'] } }), ALL), ['read', 'sessions_spawn']);
});

test('patterns match case-insensitively; a group name matches only its members', () => {
  assert.ok(toolAllowed({ allow: ['EXEC'] }, 'exec'));
  assert.ok(!toolAllowed({ allow: ['group:fs'] }, 'exec'));
  assert.ok(!toolAllowed({ deny: ['*'] }, 'read'));
});
