import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExecApprovalGate } from '../../approvals/types.js';
import { processesWith, until } from '../../../test/helpers/exec-processes.js';
import { runtimeHarness } from '../../../test/helpers/runtime-harness.js';
import { toolBench } from '../../../test/helpers/tool-call.js';
import { executeTool } from './execute-tool.js';
import { exec } from './exec.js';
import { processTool } from './process.js';
import type { AgentTool, ToolContext } from './tool.js';

/** A gate that lets every command run: these tests are about what happens after the yes. */
const YES: ExecApprovalGate = { decide: () => Promise.resolve({ allowed: true, how: 'security-full' }) };
const tools: ReadonlyMap<string, AgentTool> = new Map([exec, processTool].map((t) => [t.name, t]));

async function call(ctx: ToolContext, name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const out = await executeTool({ id: 'c', name, arguments: args }, tools, ctx);
  return out.result as Record<string, unknown>;
}

test('background: exec returns a process id at once; write feeds stdin, poll returns new output, log reads lines, kill stops it', async (t) => {
  const b = toolBench(t, { approvals: YES });
  const ctx = b.ctx();
  const started = await call(ctx, 'exec', { command: 'cat', background: true });
  assert.equal(started.status, 'running');
  const id = started.processId as string;
  assert.match(id, /^proc_[0-9a-f]{12}$/);
  assert.deepEqual(await call(ctx, 'process', { action: 'write', processId: id, data: 'one\ntwo\n' }), { processId: id, written: 8, eof: false });
  let seen = '';
  for (let i = 0; i < 200 && !seen.includes('two\n'); i++) {
    const polled = await call(ctx, 'process', { action: 'poll', processId: id });
    assert.equal(polled.status, 'running');
    seen += polled.output as string;
    if (!seen.includes('two\n')) await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(seen, 'one\ntwo\n');
  assert.equal((await call(ctx, 'process', { action: 'poll', processId: id })).output, '');
  const log = await call(ctx, 'process', { action: 'log', processId: id, offset: 1, limit: 1 });
  assert.equal(log.output, 'two');
  assert.equal(log.totalLines, 2);
  const listed = (await call(ctx, 'process', { action: 'list' })).processes as { processId: string; status: string; background: boolean; command: string }[];
  assert.deepEqual(listed.map((p) => [p.processId, p.status, p.background, p.command]), [[id, 'running', true, 'cat']]);
  const killed = await call(ctx, 'process', { action: 'kill', processId: id });
  assert.equal(killed.status, 'killed');
  assert.equal((await call(ctx, 'process', { action: 'poll', processId: id })).status, 'killed');
});

test('write with eof closes stdin, so cat ends by itself', async (t) => {
  const b = toolBench(t, { approvals: YES });
  const ctx = b.ctx();
  const id = (await call(ctx, 'exec', { command: 'cat; echo end', background: true })).processId as string;
  await call(ctx, 'process', { action: 'write', processId: id, data: 'last\n', eof: true });
  await b.processes.get('agent:main:main', id).ended;
  const polled = await call(ctx, 'process', { action: 'poll', processId: id });
  assert.deepEqual([polled.status, polled.exitCode, polled.output], ['exited', 0, 'last\nend\n']);
  const late = await call(ctx, 'process', { action: 'write', processId: id, data: 'x' });
  assert.match(late.error as string, /has ended/);
});

test('yieldMs: a command still running after it continues in the background, survives its run, and can be finished', async (t) => {
  const b = toolBench(t, { approvals: YES });
  const ctx = b.ctx();
  const r = await call(ctx, 'exec', { command: 'echo first; read x; echo "got $x"', yieldMs: 300 });
  assert.equal(r.status, 'running');
  assert.equal(r.output, 'first\n');
  const id = r.processId as string;
  // The run ends: its foreground processes die, this one now belongs to the background.
  assert.equal(await b.processes.killRun('run-1'), 0);
  await call(ctx, 'process', { action: 'write', processId: id, data: 'yes\n' });
  await b.processes.get('agent:main:main', id).ended;
  const polled = await call(ctx, 'process', { action: 'poll', processId: id });
  assert.deepEqual([polled.status, polled.output], ['exited', 'got yes\n']);
});

test('yieldMs: a command that ends in time returns its result like a foreground one', async (t) => {
  const b = toolBench(t, { approvals: YES });
  const r = await call(b.ctx(), 'exec', { command: 'echo quick', yieldMs: 60_000 });
  assert.deepEqual([r.status, r.exitCode, r.output], ['exited', 0, 'quick\n']);
});

test('a session sees and touches only its own processes', async (t) => {
  const b = toolBench(t, { approvals: YES });
  const id = (await call(b.ctx(), 'exec', { command: 'sleep 987.71', background: true })).processId as string;
  const other = b.ctx({ sessionKey: 'agent:main:other' });
  assert.deepEqual((await call(other, 'process', { action: 'list' })).processes, []);
  for (const action of ['poll', 'log', 'kill']) {
    const r = await call(other, 'process', { action, processId: id });
    assert.equal(r.status, 'error');
    assert.match(r.error as string, new RegExp(`no process ${id} in this session`));
  }
  assert.equal(b.processes.get('agent:main:main', id).status, 'running');
  const missing = await call(b.ctx(), 'process', { action: 'poll' });
  assert.match(missing.error as string, /needs a processId/);
});

test('a deleted session takes its processes: a sub-agent with cleanup delete leaves nothing running', async (t) => {
  const h = await runtimeHarness(
    t,
    ({ body }) => {
      // The child's conversation starts with its task; the parent's with "delegate".
      const first = body.messages.find((m: { role: string }) => m.role === 'user').content as string;
      const last = body.messages.at(-1);
      if (first.includes('start the server')) return last.role === 'tool' ? { text: 'server started' } : { toolCalls: [{ id: 'e1', name: 'exec', arguments: { command: 'sleep 987.72', background: true } }] };
      if (last.role === 'user' && last.content === 'delegate') return { toolCalls: [{ id: 's1', name: 'sessions_spawn', arguments: { task: 'start the server', cleanup: 'delete' } }] };
      return { text: 'ok' };
    },
    {},
    'openai-completions',
    { approvals: YES },
  );
  const snap = await h.ask('delegate');
  assert.equal(snap.status, 'ok');
  await until(() => h.chat.some((e) => e.state === 'final' && e.sessionKey.includes('subagent')), 'the sub-agent to finish');
  // The sub-agent did start it in the background...
  const started = h.agent.find((e) => e.stream === 'tool' && (e.data as { phase?: string; name?: string }).phase === 'result' && (e.data as { name?: string }).name === 'exec');
  assert.equal(((started?.data as { result?: { status?: string } }).result ?? {}).status, 'running');
  // ...and its session's deletion stopped it.
  await until(() => processesWith('sleep 987.72').length === 0, 'the deleted session\'s process to die');
  await until(() => h.processes.runningCount() === 0, 'the registry to see it end');
});

test('background processes outlive their run but not their session\'s end or the gateway\'s', async (t) => {
  const b = toolBench(t, { approvals: YES });
  await call(b.ctx(), 'exec', { command: 'sleep 987.73', background: true });
  await call(b.ctx({ sessionKey: 'agent:main:other', runId: 'run-2' }), 'exec', { command: 'sleep 987.74', background: true });
  assert.equal(await b.processes.killRun('run-1'), 0);
  assert.equal(await b.processes.killSession('agent:main:main'), 1);
  assert.deepEqual(processesWith('sleep 987.73'), []);
  assert.ok(processesWith('sleep 987.74').length > 0);
  assert.equal(await b.processes.closeAll(), 1);
  assert.deepEqual(processesWith('sleep 987.74'), []);
});
