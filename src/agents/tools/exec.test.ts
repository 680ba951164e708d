import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecApprovalAsk, ExecApprovalGate, ExecDecision } from '../../approvals/types.js';
import type { Config } from '../../config/schema.js';
import { processesWith, tempDir, until } from '../../../test/helpers/exec-processes.js';
import { runtimeHarness, lastOf } from '../../../test/helpers/runtime-harness.js';
import { toolBench } from '../../../test/helpers/tool-call.js';
import { executeTool } from './execute-tool.js';
import { exec } from './exec.js';
import { processTool } from './process.js';
import type { AgentTool, ToolContext } from './tool.js';

/** A row of the table: an answer, given at once or after telling the run it waits (pending). */
type Row = { readonly answer: ExecDecision; readonly pending?: true };

/**
 * A real approvals gate answering from a table by command (a command not in the table is denied), recording
 * every ask. A pending row announces an approval id and expiry first, as the approvals service does.
 */
function tableGate(table: Record<string, Row>): ExecApprovalGate & { asks: ExecApprovalAsk[] } {
  const asks: ExecApprovalAsk[] = [];
  return {
    asks,
    async decide(ask, hooks) {
      asks.push(ask);
      const row = table[ask.command] ?? { answer: { allowed: false, how: 'denied', reason: 'not in the test table' } };
      if (row.pending) {
        hooks.onPending({ approvalId: `ap-${asks.length}`, expiresAtMs: 1_900_000_000_000 });
        await new Promise((r) => setTimeout(r, 10));
      }
      return row.answer;
    },
  };
}

const ALLOW: Row = { answer: { allowed: true, how: 'allow-once', approvalId: 'ap-x' } };
const tools: ReadonlyMap<string, AgentTool> = new Map([exec, processTool].map((t) => [t.name, t]));
const call = (ctx: ToolContext, name: string, args: Record<string, unknown>) => executeTool({ id: 'c1', name, arguments: args }, tools, ctx);

test('an allowed command runs in the workspace (created 0700 with its starter files when missing), under bubblewrap here, and returns its exit code and output', async (t) => {
  const gate = tableGate({ 'echo hi; pwd; exit 4': ALLOW });
  const b = toolBench(t, { approvals: gate });
  assert.equal(existsSync(b.workspace), false);
  const out = await call(b.ctx(), 'exec', { command: 'echo hi; pwd; exit 4' });
  assert.equal(out.isError, false, out.text);
  const r = out.result as Record<string, unknown>;
  assert.equal(r.status, 'exited');
  assert.equal(r.exitCode, 4);
  assert.equal(r.output, `hi\n${b.workspace}\n`);
  assert.equal(r.sandbox, 'bubblewrap');
  assert.equal(r.truncated, false);
  assert.equal(typeof r.durationMs, 'number');
  assert.equal(statSync(b.workspace).mode & 0o777, 0o700);
  assert.ok(existsSync(join(b.workspace, 'AGENTS.md')));
});

test('the gate is asked once, before anything runs, with the command, the absolute cwd, the sandbox and the policy', async (t) => {
  const gate = tableGate({ 'ls': ALLOW });
  const b = toolBench(t, { approvals: gate, config: { tools: { exec: { security: 'full', ask: 'off', allowlist: ['ls'] } } } as Config });
  mkdirSync(join(b.workspace, 'sub'), { recursive: true });
  await call(b.ctx({ sessionKey: 'agent:main:telegram:dm:7', runId: 'run-9' }), 'exec', { command: 'ls', workdir: 'sub' });
  assert.equal(gate.asks.length, 1);
  const ask = gate.asks[0]!;
  assert.deepEqual({ ...ask, policy: undefined }, { agentId: 'main', sessionKey: 'agent:main:telegram:dm:7', runId: 'run-9', command: 'ls', cwd: join(b.workspace, 'sub'), sandboxed: true, policy: undefined });
  assert.equal(ask.policy.security, 'full');
  assert.equal(ask.policy.ask, 'off');
  assert.deepEqual(ask.policy.allowlist, ['ls']);
});

test('a refused command never runs; the model reads how it was refused and that it must not retry it', async (t) => {
  for (const answer of [
    { allowed: false, how: 'denied', reason: 'the owner said no', decidedBy: 'ann (telegram)' },
    { allowed: false, how: 'expired', reason: '' },
    { allowed: false, how: 'security-deny', reason: 'tools.exec.security is deny' },
    { allowed: false, how: 'ask-off-miss', reason: 'not on the allowlist' },
  ] as const) {
    const marker = join(tempDir(t), 'ran');
    const command = `touch ${marker}`;
    const b = toolBench(t, { approvals: tableGate({ [command]: { answer } }) });
    const out = await call(b.ctx(), 'exec', { command });
    assert.equal(out.isError, true);
    const r = out.result as { status: string; error: string };
    assert.equal(r.status, 'denied');
    assert.match(r.error, new RegExp(`^exec denied \\(${answer.how}`));
    assert.match(r.error, /Do not retry the same command/);
    if (answer.how === 'denied') assert.match(r.error, /\(denied by ann \(telegram\)\): the owner said no/);
    if (answer.how === 'expired') assert.match(r.error, /did not answer before the approval request expired/);
    assert.equal(existsSync(marker), false, `${answer.how}: the command must not run`);
    assert.deepEqual(b.processes.list('agent:main:main'), []);
  }
});

test('while the owner is asked, watchers see the wait: waiting-approval with the approval id, expiry and command', async (t) => {
  const b = toolBench(t, { approvals: tableGate({ 'echo ok': { ...ALLOW, pending: true } }) });
  const out = await call(b.ctx(), 'exec', { command: 'echo ok' });
  assert.equal((out.result as { output: string }).output, 'ok\n');
  assert.deepEqual(b.updates[0], { status: 'waiting-approval', approvalId: 'ap-1', expiresAtMs: 1_900_000_000_000, command: 'echo ok' });
  assert.equal(b.updates[1]?.status, 'running');
});

test('a workdir outside the workspace is refused before the owner is asked: .., absolute, through a symlink', async (t) => {
  const gate = tableGate({ pwd: ALLOW });
  const b = toolBench(t, { approvals: gate });
  mkdirSync(join(b.workspace, 'inner'), { recursive: true });
  symlinkSync(tempDir(t), join(b.workspace, 'out-link'));
  for (const workdir of ['..', '../..', '/etc', 'inner/../../x', 'out-link', 'out-link/.']) {
    const out = await call(b.ctx(), 'exec', { command: 'pwd', workdir });
    assert.equal(out.isError, true, workdir);
    assert.match((out.result as { error: string }).error, new RegExp(`workdir "${workdir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" leads outside the workspace`));
  }
  const missing = await call(b.ctx(), 'exec', { command: 'pwd', workdir: 'nope' });
  assert.match((missing.result as { error: string }).error, /does not exist in the workspace/);
  assert.equal(gate.asks.length, 0);
  const inside = await call(b.ctx(), 'exec', { command: 'pwd', workdir: join(b.workspace, 'inner') });
  assert.equal((inside.result as { output: string }).output, `${join(b.workspace, 'inner')}\n`);
});

test('timeout is in seconds and capped by tools.exec.timeoutSeconds; a timed-out command is stopped', async (t) => {
  const b = toolBench(t, { approvals: tableGate({ 'sleep 987.61': ALLOW }), config: { tools: { exec: { timeoutSeconds: 1 } } } as Config });
  const out = await call(b.ctx(), 'exec', { command: 'sleep 987.61', timeout: 3600 });
  const r = out.result as Record<string, unknown>;
  assert.equal(r.status, 'timeout');
  assert.deepEqual(processesWith('sleep 987.61'), []);
});

test('output beyond tools.exec.maxOutputBytes is cut (head and tail kept) and marked truncated', async (t) => {
  const b = toolBench(t, { approvals: tableGate({ 'seq 1 50000': ALLOW }), config: { tools: { exec: { maxOutputBytes: 2000 } } } as Config });
  const r = (await call(b.ctx(), 'exec', { command: 'seq 1 50000' })).result as { output: string; truncated: boolean; processId: string };
  assert.equal(r.truncated, true);
  assert.ok(r.output.startsWith('1\n2\n') && r.output.endsWith('50000\n'));
  assert.match(r.output, /bytes of output dropped/);
  assert.ok(r.output.length < 2200);
});

test('output larger than one tool result is cut to fit; process log reads the rest', async (t) => {
  const b = toolBench(t, { approvals: tableGate({ 'seq 1 30000': ALLOW }) });
  const r = (await call(b.ctx(), 'exec', { command: 'seq 1 30000' })).result as { output: string; truncated: boolean; processId: string };
  assert.equal(r.truncated, true);
  assert.match(r.output, /characters cut; process log shows the rest/);
  const log = (await call(b.ctx(), 'process', { action: 'log', processId: r.processId, offset: 14999, limit: 2 })).result as { output: string; totalLines: number };
  assert.equal(log.output, '15000\n15001');
  assert.equal(log.totalLines, 30000);
});

test('the run\'s abort kills its foreground command (and its children) and the abort propagates', async (t) => {
  const b = toolBench(t, { approvals: tableGate({ 'sleep 987.62 & sleep 987.63; wait': ALLOW }) });
  const ac = new AbortController();
  const running = call(b.ctx({}, ac.signal), 'exec', { command: 'sleep 987.62 & sleep 987.63; wait' });
  await until(() => b.updates.some((u) => u.status === 'running') && processesWith('sleep 987.63').length > 0, 'the command to start');
  ac.abort(new Error('run aborted'));
  await assert.rejects(running, /run aborted/);
  assert.deepEqual(processesWith('sleep 987.6'), []);
});

test('an abort while waiting for the owner means nothing runs', async (t) => {
  const marker = join(tempDir(t), 'ran');
  const gate: ExecApprovalGate = {
    decide: (_ask, { signal }) => new Promise((resolve) => signal.addEventListener('abort', () => resolve({ allowed: true, how: 'allow-once' }))),
  };
  const b = toolBench(t, { approvals: gate });
  const ac = new AbortController();
  const running = call(b.ctx({}, ac.signal), 'exec', { command: `touch ${marker}` });
  setTimeout(() => ac.abort(new Error('run aborted')), 20);
  await assert.rejects(running, /run aborted/);
  assert.equal(existsSync(marker), false);
});

test('sandbox bubblewrap without a usable bwrap: exec refuses before asking, naming the package', async (t) => {
  const gate = tableGate({ true: ALLOW });
  const b = toolBench(t, { approvals: gate, config: { tools: { exec: { sandbox: 'bubblewrap' } } } as Config });
  const saved = process.env.PATH;
  process.env.PATH = tempDir(t);
  t.after(() => (process.env.PATH = saved));
  const out = await call(b.ctx(), 'exec', { command: 'true' });
  process.env.PATH = saved;
  assert.equal(out.isError, true);
  assert.match((out.result as { error: string }).error, /tools\.exec\.sandbox is bubblewrap but .*apt install bubblewrap/);
  assert.equal(gate.asks.length, 0);
});

test('sandbox off runs the command on the host and says so', async (t) => {
  const b = toolBench(t, { approvals: tableGate({ 'echo host': ALLOW }), config: { tools: { exec: { sandbox: 'off' } } } as Config });
  const r = (await call(b.ctx(), 'exec', { command: 'echo host' })).result as { sandbox: string; output: string };
  assert.equal(r.sandbox, 'host');
  assert.equal(r.output, 'host\n');
});

test('through the runtime: the model calls exec, the command runs in the agent\'s workspace, the model reads the result', async (t) => {
  const command = 'echo made-by-exec > made.txt; cat made.txt';
  const gate = tableGate({ [command]: ALLOW });
  const h = await runtimeHarness(t, ({ body }) => (body.messages.at(-1).role === 'tool' ? { text: 'done' } : { toolCalls: [{ id: 'x1', name: 'exec', arguments: { command } }] }), {}, 'openai-completions', { approvals: gate });
  const snap = await h.ask('make a file');
  assert.equal(snap.status, 'ok');
  assert.equal(readFileSync(join(h.stateDir, 'workspace', 'made.txt'), 'utf8'), 'made-by-exec\n');
  const toolText = lastOf(h.fake.requests[1]!.body, 'tool');
  assert.match(toolText, /"status":"exited"/);
  assert.match(toolText, /made-by-exec/);
  assert.ok(h.agent.some((e) => e.stream === 'tool' && (e.data as { phase?: string; status?: string }).phase === 'update' && (e.data as { status?: string }).status === 'running'));
});
