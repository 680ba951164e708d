import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { WebSocket } from 'ws';
import { Store } from '../store/store.js';
import { useInProcessGateway } from '../../test/helpers/in-process.js';
import { makeDevice, rawConnect, rpc, type TestDevice } from '../../test/helpers/raw-client.js';
import { CLI_LOCAL_ACTOR, resolveApproval } from './operations.js';
import type { ExecApprovalAsk, ExecDecision, PendingApprovalNotice } from './types.js';

const ASK: ExecApprovalAsk = {
  agentId: 'main',
  sessionKey: 'agent:main:main',
  runId: 'run-42',
  command: 'make deploy',
  cwd: '/srv/app',
  sandboxed: false,
  policy: { security: 'allowlist', ask: 'on-miss', allowlist: [], approvalTimeoutMs: 60_000 },
};

interface Operator {
  ws: WebSocket;
  device: TestDevice;
  frames: any[];
  events(name: string): any[];
}

describe('exec approvals over a real socket: events and methods by scope', () => {
  const gw = useInProcessGateway();
  let approver: Operator;
  let reader: Operator;
  let admin: Operator;

  const connect = async (scopes: string[]): Promise<Operator> => {
    const device = makeDevice();
    const out = await rawConnect(gw().url, { device, auth: { token: gw().token! }, scopes });
    assert.equal(out.response?.ok, true, JSON.stringify(out.response?.error));
    return { ws: out.ws, device, frames: out.frames, events: (name) => out.frames.filter((f) => f.type === 'event' && f.event === name).map((f) => f.payload) };
  };
  const until = async (probe: () => boolean, what: string) => {
    for (let i = 0; !probe(); i++) {
      if (i > 500) assert.fail(`no ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  /** An exec ask through the gateway's gate (as the exec tool makes it), waiting for the owner. */
  const ask = async (command = ASK.command) => {
    let notice: PendingApprovalNotice | undefined;
    const decided: Promise<ExecDecision> = gw().context.approvals.decide({ ...ASK, command }, { signal: new AbortController().signal, onPending: (n) => (notice = n) });
    await until(() => notice !== undefined, 'pending notice');
    return { id: notice!.approvalId, notice: notice!, decided };
  };

  before(async () => {
    [approver, reader, admin] = await Promise.all([connect(['operator.approvals']), connect(['operator.read']), connect(['operator.admin'])]);
  });
  after(() => {
    for (const o of [approver, reader, admin]) o?.ws.close();
  });

  test('a pending request reaches operators with operator.approvals (and admin) as exec.approval.requested; not a reader', async () => {
    const { id, notice, decided } = await ask();
    await until(() => approver.events('exec.approval.requested').some((p) => p.id === id), 'requested event to the approver');
    const payload = approver.events('exec.approval.requested').find((p) => p.id === id);
    assert.deepEqual(payload, {
      id,
      request: { command: 'make deploy', cwd: '/srv/app', agentId: 'main', sessionKey: 'agent:main:main', runId: 'run-42', sandboxed: false },
      createdAtMs: payload.createdAtMs,
      expiresAtMs: notice.expiresAtMs,
    });
    await until(() => admin.events('exec.approval.requested').some((p) => p.id === id), 'requested event to the admin');

    const list = await rpc(approver.ws, 'exec.approval.list', {});
    assert.equal(list.ok, true, JSON.stringify(list.error));
    assert.deepEqual(list.payload.pending.map((p: any) => [p.id, p.status]), [[id, 'pending']]);

    const refused = await rpc(reader.ws, 'exec.approval.resolve', { id, decision: 'allow-once' });
    assert.equal(refused.error?.details?.code, 'MISSING_SCOPE');
    assert.equal((await rpc(reader.ws, 'exec.approval.list', {})).error?.details?.code, 'MISSING_SCOPE');

    const res = await rpc(approver.ws, 'exec.approval.resolve', { id, decision: 'allow-once' });
    assert.equal(res.ok, true, JSON.stringify(res.error));
    assert.deepEqual([res.payload.approval.status, res.payload.approval.decidedBy], ['allowed-once', approver.device.deviceId]);
    assert.deepEqual(await decided, { allowed: true, how: 'allow-once', approvalId: id, decidedBy: approver.device.deviceId });
    await until(() => approver.events('exec.approval.resolved').some((p) => p.id === id), 'resolved event');
    const resolved = approver.events('exec.approval.resolved').find((p) => p.id === id);
    assert.deepEqual({ ...resolved, ts: 0 }, { id, decision: 'allow-once', resolvedBy: approver.device.deviceId, ts: 0 });

    const again = await rpc(admin.ws, 'exec.approval.resolve', { id, decision: 'deny' });
    assert.equal(again.error?.details?.code, 'APPROVAL_ALREADY_RESOLVED');
    assert.equal(again.error?.details?.status, 'allowed-once');
    assert.equal((await rpc(approver.ws, 'exec.approval.resolve', { id: 'ffffffff-dead', decision: 'deny' })).error?.details?.code, 'UNKNOWN_APPROVAL');
    // The reader saw nothing of it.
    assert.equal(reader.frames.filter((f) => f.type === 'event' && String(f.event).startsWith('exec.')).length, 0);

    const audit = gw().store.audit.ofKind('exec.approval.resolved').filter((e) => e.requestId === id);
    assert.deepEqual(audit.map((e) => [e.actor, e.deviceId, e.detail?.['how']]), [[approver.device.deviceId, approver.device.deviceId, 'allow-once']]);
  });

  test('the CLI deciding on the store from another process wakes the run and is announced (within the watcher poll)', async () => {
    const { id, decided } = await ask('make release');
    const cli = Store.open(gw().store.db.name);
    try {
      resolveApproval(cli, id, 'deny', CLI_LOCAL_ACTOR, Date.now());
    } finally {
      cli.close();
    }
    const d = await decided;
    assert.deepEqual([d.allowed, d.how, d.decidedBy], [false, 'denied', 'cli-local']);
    await until(() => approver.events('exec.approval.resolved').some((p) => p.id === id), 'resolved event');
    assert.equal(approver.events('exec.approval.resolved').find((p) => p.id === id).resolvedBy, 'cli-local');
  });

  test('allow-always through RPC stores the command for the agent; the allowlist methods need operator.admin', async () => {
    const { id, decided } = await ask('npm run build');
    const res = await rpc(approver.ws, 'exec.approval.resolve', { id: id.slice(0, 8), decision: 'allow-always' });
    assert.equal(res.ok, true, JSON.stringify(res.error));
    assert.deepEqual([res.payload.allowlisted.pattern, res.payload.allowlisted.agentId, res.payload.allowlisted.approvalId], ['npm run build', 'main', id]);
    assert.equal((await decided).how, 'allow-always');

    for (const [method, params] of [
      ['exec.approvals.allowlist.list', {}],
      ['exec.approvals.allowlist.add', { pattern: 'git status *' }],
      ['exec.approvals.allowlist.remove', { pattern: 'npm run build', agentId: 'main' }],
    ] as const) {
      assert.equal((await rpc(approver.ws, method, params)).error?.details?.code, 'MISSING_SCOPE', method);
    }
    const added = await rpc(admin.ws, 'exec.approvals.allowlist.add', { pattern: 'git  status *' });
    assert.deepEqual([added.payload.entry.pattern, added.payload.entry.agentId, added.payload.entry.addedBy, added.payload.added], ['git status *', '*', admin.device.deviceId, true]);
    assert.equal((await rpc(admin.ws, 'exec.approvals.allowlist.add', { pattern: 'git status; rm *' })).error?.details?.code, 'INVALID_ALLOWLIST_PATTERN');
    const listed = await rpc(admin.ws, 'exec.approvals.allowlist.list', {});
    assert.deepEqual(listed.payload.entries.map((e: any) => [e.agentId, e.pattern]), [['*', 'git status *'], ['main', 'npm run build']]);
    const removed = await rpc(admin.ws, 'exec.approvals.allowlist.remove', { pattern: 'npm run build', agentId: 'main' });
    assert.equal(removed.payload.entry.pattern, 'npm run build');
    assert.equal((await rpc(admin.ws, 'exec.approvals.allowlist.remove', { pattern: 'npm run build', agentId: 'main' })).error?.details?.code, 'UNKNOWN_ALLOWLIST_PATTERN');

    // The stored wildcard now lets a plain git status run at once, and never a chained one.
    const plain = await gw().context.approvals.decide({ ...ASK, command: 'git status -s' }, { signal: new AbortController().signal, onPending: () => assert.fail('asked') });
    assert.deepEqual(plain, { allowed: true, how: 'allowlist' });
    const chained = await ask('git status; rm -rf ~');
    assert.equal((await rpc(approver.ws, 'exec.approval.resolve', { id: chained.id, decision: 'deny' })).ok, true);
    assert.equal((await chained.decided).allowed, false);
  });
});
