import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempStore } from '../../test/helpers/temp-store.js';

const REQ = { id: 'a1b2c3d4-0000-4000-8000-000000000001', agentId: 'main', sessionKey: 'agent:main:main', runId: 'r1', command: 'make', cwd: '/w', sandboxed: true, createdAtMs: 10, expiresAtMs: 100 };

test('exec approvals: insert pending, get, prefix lookup, pending and recent lists', (t) => {
  const store = tempStore(t);
  store.execApprovals.insert(REQ);
  store.execApprovals.insert({ ...REQ, id: 'a1b2ffff-0000-4000-8000-000000000002', createdAtMs: 5, sandboxed: false });
  assert.deepEqual(store.execApprovals.get(REQ.id), { ...REQ, status: 'pending', decidedAtMs: undefined, decidedBy: undefined, how: undefined });
  assert.equal(store.execApprovals.get('nope'), undefined);
  assert.deepEqual(store.execApprovals.byPrefix('a1b2').map((r) => r.id), ['a1b2c3d4-0000-4000-8000-000000000001', 'a1b2ffff-0000-4000-8000-000000000002']);
  assert.deepEqual(store.execApprovals.byPrefix('a1b2c').map((r) => r.id), [REQ.id]);
  assert.deepEqual(store.execApprovals.pending().map((r) => r.createdAtMs), [5, 10], 'oldest first');
  assert.deepEqual(store.execApprovals.recent(10), []);
});

test('exec approvals: decide is a compare-and-set from pending only', (t) => {
  const store = tempStore(t);
  store.execApprovals.insert(REQ);
  assert.equal(store.execApprovals.decide(REQ.id, { status: 'denied', decidedAtMs: 20, decidedBy: 'cli-local', how: 'deny' }), true);
  assert.equal(store.execApprovals.decide(REQ.id, { status: 'allowed-once', decidedAtMs: 21, decidedBy: 'x', how: 'allow-once' }), false);
  assert.equal(store.execApprovals.decide('unknown', { status: 'expired', decidedAtMs: 21, decidedBy: 'gateway', how: 'timeout' }), false);
  const r = store.execApprovals.get(REQ.id)!;
  assert.deepEqual([r.status, r.decidedAtMs, r.decidedBy, r.how], ['denied', 20, 'cli-local', 'deny']);
  assert.deepEqual(store.execApprovals.pending(), []);
  assert.deepEqual(store.execApprovals.recent(10).map((x) => x.id), [REQ.id]);
});

test('exec approvals: the status column refuses anything outside the five statuses', (t) => {
  const store = tempStore(t);
  assert.throws(() => store.db.prepare("INSERT INTO exec_approvals (id, agent_id, session_key, run_id, command, cwd, sandboxed, status, created_at_ms, expires_at_ms) VALUES ('x', 'a', 's', 'r', 'c', '/', 0, 'allowed', 1, 2)").run(), /CHECK constraint/);
});
