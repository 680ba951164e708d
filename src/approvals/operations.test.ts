import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { Store } from '../store/store.js';
import { tempStore } from '../../test/helpers/temp-store.js';
import {
  addAllowlistPattern,
  CLI_LOCAL_ACTOR,
  expireApproval,
  expireLeftovers,
  findApproval,
  listAllowlist,
  listApprovals,
  removeAllowlistPattern,
  requestApproval,
  resolveApproval,
} from './operations.js';
import type { ExecApprovalAsk } from './types.js';

const ASK: ExecApprovalAsk = {
  agentId: 'main',
  sessionKey: 'agent:main:main',
  runId: 'run-1',
  command: 'git   push origin main',
  cwd: '/home/owner/work',
  sandboxed: false,
  policy: { security: 'allowlist', ask: 'on-miss', allowlist: [], approvalTimeoutMs: 60_000 },
};
const T0 = 1_000_000;
const DEVICE = { label: 'd'.repeat(64), deviceId: 'd'.repeat(64) };

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ClawgateError, String(err));
    return err.code;
  }
  assert.fail('expected a ClawgateError');
};

test('a request is stored pending with a stable uuid and its expiry, and audited as exec.approval.requested', (t) => {
  const store = tempStore(t);
  const r = requestApproval(store, ASK, T0, 60_000);
  assert.match(r.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(store.execApprovals.get(r.id), { ...r });
  assert.equal(r.status, 'pending');
  assert.equal(r.expiresAtMs, T0 + 60_000);
  assert.equal(r.command, ASK.command, 'the command is stored as the model wrote it');
  const [row] = store.audit.ofKind('exec.approval.requested');
  assert.equal(row?.requestId, r.id);
  assert.equal(row?.actor, 'gateway');
  assert.deepEqual(row?.detail, { agentId: 'main', sessionKey: 'agent:main:main', runId: 'run-1', command: ASK.command, cwd: ASK.cwd, sandboxed: false, expiresAtMs: T0 + 60_000 });
});

test('resolve is a compare-and-set: the first decision wins, a second is APPROVAL_ALREADY_RESOLVED and changes nothing', (t) => {
  const store = tempStore(t);
  const r = requestApproval(store, ASK, T0, 60_000);
  const won = resolveApproval(store, r.id, 'allow-once', DEVICE, T0 + 5);
  assert.deepEqual([won.approval.status, won.approval.decidedBy, won.approval.how, won.approval.decidedAtMs], ['allowed-once', DEVICE.label, 'allow-once', T0 + 5]);
  assert.equal(won.allowlisted, undefined);
  for (const second of ['deny', 'allow-always', 'allow-once'] as const) assert.equal(code(() => resolveApproval(store, r.id, second, CLI_LOCAL_ACTOR, T0 + 6)), 'APPROVAL_ALREADY_RESOLVED');
  assert.equal(store.execApprovals.get(r.id)?.status, 'allowed-once');
  assert.equal(store.execAllowlist.list().length, 0, 'a refused allow-always adds nothing');
  const resolved = store.audit.ofKind('exec.approval.resolved');
  assert.equal(resolved.length, 1, 'one audit row: the winning decision');
  assert.deepEqual([resolved[0]!.actor, resolved[0]!.deviceId, resolved[0]!.requestId, resolved[0]!.detail?.['decision']], [DEVICE.label, DEVICE.deviceId, r.id, 'allow-once']);
});

test('two store connections (two processes) racing to decide: exactly one wins', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-appr-'));
  const a = Store.open(join(dir, 'state.db'));
  const b = Store.open(join(dir, 'state.db'));
  t.after(() => (a.close(), b.close(), rmSync(dir, { recursive: true, force: true })));
  const r = requestApproval(a, ASK, T0, 60_000);
  const outcomes = [() => resolveApproval(a, r.id, 'deny', DEVICE, T0 + 1), () => resolveApproval(b, r.id, 'allow-always', CLI_LOCAL_ACTOR, T0 + 2)].map((fn) => {
    try {
      return fn().approval.status;
    } catch (err) {
      return (err as ClawgateError).code;
    }
  });
  assert.deepEqual(outcomes, ['denied', 'APPROVAL_ALREADY_RESOLVED']);
  assert.equal(b.execAllowlist.list().length, 0);
});

test('allow-always decides and adds the exact (normalised) command to the agent\'s allowlist, in one transaction, audited', (t) => {
  const store = tempStore(t);
  const r = requestApproval(store, ASK, T0, 60_000);
  const out = resolveApproval(store, r.id.slice(0, 8), 'allow-always', { label: 'telegram:42' }, T0 + 1);
  assert.equal(out.approval.status, 'allowed-always');
  assert.deepEqual(out.allowlisted, { agentId: 'main', pattern: 'git push origin main', addedAtMs: T0 + 1, addedBy: 'telegram:42', approvalId: r.id });
  assert.deepEqual(store.execAllowlist.patternsFor('main'), ['git push origin main']);
  assert.deepEqual(store.execAllowlist.patternsFor('other'), [], 'another agent is not covered');
  const changed = store.audit.ofKind('exec.allowlist.changed');
  assert.deepEqual(changed.map((e) => [e.actor, e.detail?.['change'], e.detail?.['pattern'], e.detail?.['approvalId']]), [['telegram:42', 'added', 'git push origin main', r.id]]);
});

test('deny, unknown ids, short and ambiguous prefixes', (t) => {
  const store = tempStore(t);
  const r = requestApproval(store, ASK, T0, 60_000);
  assert.equal(resolveApproval(store, r.id, 'deny', CLI_LOCAL_ACTOR, T0 + 1).approval.status, 'denied');
  assert.equal(code(() => resolveApproval(store, 'no-such-id', 'deny', CLI_LOCAL_ACTOR, T0)), 'UNKNOWN_APPROVAL');
  assert.equal(code(() => findApproval(store, r.id.slice(0, 3))), 'UNKNOWN_APPROVAL', 'a prefix under 4 characters names nothing');
  assert.equal(code(() => findApproval(store, '')), 'UNKNOWN_APPROVAL');
  store.write(() => {
    for (const id of ['abcd0001', 'abcd0002']) store.execApprovals.insert({ id, agentId: 'main', sessionKey: 's', runId: 'r', command: 'ls', cwd: '/', sandboxed: true, createdAtMs: T0, expiresAtMs: T0 + 1 });
  });
  assert.equal(code(() => findApproval(store, 'abcd')), 'AMBIGUOUS_ID');
  assert.equal(findApproval(store, 'abcd0002').id, 'abcd0002');
});

test('a request past its expiry is expired by the resolve (committed, audited) and refused with APPROVAL_EXPIRED', (t) => {
  const store = tempStore(t);
  const r = requestApproval(store, ASK, T0, 60_000);
  assert.equal(code(() => resolveApproval(store, r.id, 'allow-once', DEVICE, T0 + 60_000)), 'APPROVAL_EXPIRED');
  const now = store.execApprovals.get(r.id)!;
  assert.deepEqual([now.status, now.how, now.decidedBy], ['expired', 'timeout', 'gateway']);
  assert.equal(code(() => resolveApproval(store, r.id, 'allow-once', DEVICE, T0 + 60_001)), 'APPROVAL_ALREADY_RESOLVED');
  assert.deepEqual(store.audit.ofKind('exec.approval.resolved').map((e) => e.detail?.['decision']), ['expired']);
});

test('expireApproval ends a pending request once; on a decided one it changes nothing and returns the decision', (t) => {
  const store = tempStore(t);
  const a = requestApproval(store, ASK, T0, 60_000);
  assert.deepEqual([expireApproval(store, a.id, 'aborted', T0 + 1)?.status, store.execApprovals.get(a.id)?.how], ['expired', 'aborted']);
  const b = requestApproval(store, ASK, T0, 60_000);
  resolveApproval(store, b.id, 'allow-once', DEVICE, T0 + 1);
  assert.equal(expireApproval(store, b.id, 'timeout', T0 + 2)?.status, 'allowed-once');
  assert.equal(store.audit.ofKind('exec.approval.resolved').length, 2);
});

test('restart: every request left pending ends expired (gateway-restart, audited), never allowed; decided ones are kept', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-appr-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'state.db');
  const before = Store.open(path);
  const p1 = requestApproval(before, ASK, T0, 60_000);
  const p2 = requestApproval(before, { ...ASK, command: 'rm -rf build' }, T0, 60_000);
  const done = requestApproval(before, ASK, T0, 60_000);
  resolveApproval(before, done.id, 'deny', DEVICE, T0 + 1);
  before.close();

  const after = Store.open(path);
  t.after(() => after.close());
  const expired = expireLeftovers(after, T0 + 10);
  assert.deepEqual(expired.map((r) => r.id).sort(), [p1.id, p2.id].sort());
  for (const id of [p1.id, p2.id]) assert.deepEqual([after.execApprovals.get(id)?.status, after.execApprovals.get(id)?.how], ['expired', 'gateway-restart']);
  assert.equal(after.execApprovals.get(done.id)?.status, 'denied');
  assert.equal(after.execApprovals.pending().length, 0);
  assert.equal(code(() => resolveApproval(after, p1.id, 'allow-once', DEVICE, T0 + 11)), 'APPROVAL_ALREADY_RESOLVED');
  assert.deepEqual(expireLeftovers(after, T0 + 12), [], 'nothing left to expire');
});

test('list: pending oldest first (overdue ones expired first), then recent decisions newest first', (t) => {
  const store = tempStore(t);
  const a = requestApproval(store, ASK, T0, 60_000);
  const b = requestApproval(store, ASK, T0 + 1, 60_000);
  const overdue = requestApproval(store, ASK, T0 - 120_000, 60_000);
  resolveApproval(store, b.id, 'deny', DEVICE, T0 + 2);
  const list = listApprovals(store, T0 + 3);
  assert.deepEqual(list.pending.map((r) => r.id), [a.id]);
  assert.deepEqual(list.recent.map((r) => [r.id, r.status]), [[overdue.id, 'expired'], [b.id, 'denied']]);
});

test('allowlist add/remove: validated, normalised, per agent or every agent, audited; unknown removal refused', (t) => {
  const store = tempStore(t);
  assert.deepEqual(addAllowlistPattern(store, '  git   status  *', undefined, CLI_LOCAL_ACTOR, T0), { entry: { agentId: '*', pattern: 'git status *', addedAtMs: T0, addedBy: 'cli-local' }, added: true });
  assert.equal(addAllowlistPattern(store, 'git status *', '*', DEVICE, T0 + 1).added, false, 'the first entry is kept');
  addAllowlistPattern(store, 'npm test', 'coder', DEVICE, T0 + 2);
  assert.deepEqual(store.execAllowlist.patternsFor('coder'), ['git status *', 'npm test']);
  assert.deepEqual(store.execAllowlist.patternsFor('main'), ['git status *']);
  assert.deepEqual(listAllowlist(store, 'coder').entries.map((e) => e.pattern), ['npm test']);
  for (const bad of ['*', '', 'ls; rm *', 'ls *.c *']) assert.equal(code(() => addAllowlistPattern(store, bad, undefined, CLI_LOCAL_ACTOR, T0)), 'INVALID_ALLOWLIST_PATTERN', bad);
  assert.equal(code(() => removeAllowlistPattern(store, 'npm test', 'main', CLI_LOCAL_ACTOR, T0)), 'UNKNOWN_ALLOWLIST_PATTERN');
  assert.equal(removeAllowlistPattern(store, 'npm   test', 'coder', CLI_LOCAL_ACTOR, T0 + 3).entry.pattern, 'npm test');
  assert.deepEqual(store.execAllowlist.patternsFor('coder'), ['git status *']);
  assert.deepEqual(store.audit.ofKind('exec.allowlist.changed').map((e) => [e.actor, e.detail?.['change'], e.detail?.['agentId'], e.detail?.['pattern']]), [
    ['cli-local', 'added', '*', 'git status *'],
    [DEVICE.label, 'added', 'coder', 'npm test'],
    ['cli-local', 'removed', 'coder', 'npm test'],
  ]);
});
