import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runtimeHarness } from '../../../../test/helpers/runtime-harness.js';
import { BOOTSTRAP_TEMPLATES } from '../../workspace/bootstrap-templates.js';

type Body = { messages: { role: string; content?: string }[]; tools?: { function: { name: string } }[] };
const systemOf = (body: Body) => (body.messages[0]?.role === 'system' ? body.messages[0].content ?? '' : '');
const toolResults = (body: Body) => body.messages.filter((m) => m.role === 'tool');

test('the model writes, reads and edits a file in its workspace; disk, tool events and transcript show each step', async (t) => {
  const steps = [
    { name: 'write', arguments: { path: 'notes/todo.md', content: 'buy milk\ncall Ada\n' } },
    { name: 'read', arguments: { path: 'notes/todo.md' } },
    { name: 'edit', arguments: { path: 'notes/todo.md', oldText: 'buy milk', newText: 'buy oat milk' } },
  ];
  const h = await runtimeHarness(t, ({ body }) => {
    const done = toolResults(body).length;
    return done < steps.length ? { toolCalls: [{ id: `c${done}`, ...steps[done]! }] } : { text: 'updated your list' };
  });
  const snap = await h.ask('fix my todo list');
  assert.equal(snap.status, 'ok');
  assert.equal(snap.text, 'updated your list');

  const ws = join(h.stateDir, 'workspace');
  assert.equal(readFileSync(join(ws, 'notes', 'todo.md'), 'utf8'), 'buy oat milk\ncall Ada\n');
  assert.equal(statSync(join(ws, 'notes', 'todo.md')).mode & 0o777, 0o600);

  const toolEvents = h.agent.filter((e) => e.runId === snap.runId && e.stream === 'tool').map((e) => [e.data.phase, e.data.name, e.data.isError]);
  assert.deepEqual(toolEvents, [
    ['start', 'write', undefined],
    ['result', 'write', false],
    ['start', 'read', undefined],
    ['result', 'read', false],
    ['start', 'edit', undefined],
    ['result', 'edit', false],
  ]);

  const results = h.runtime.history('main', 50).filter((e) => e.message.role === 'tool').map((e) => e.message.text);
  assert.deepEqual(JSON.parse(results[0]!), { path: 'notes/todo.md', bytes: 18, created: true });
  assert.equal(results[1], '[notes/todo.md: lines 1-2 of 2]\n     1\tbuy milk\n     2\tcall Ada');
  assert.deepEqual(JSON.parse(results[2]!), { path: 'notes/todo.md', replacements: 1 });
  // What the model saw after reading is the file as it was then.
  assert.equal(toolResults(h.fake.requests[2]!.body).at(-1)!.content, results[1]);
});

test('the first run creates the bootstrap files; MEMORY.md reaches the system prompt, with the workspace path', async (t) => {
  const h = await runtimeHarness(t, () => ({ text: 'ok' }));
  await h.ask('hello');
  const ws = join(h.stateDir, 'workspace');
  for (const name of ['AGENTS.md', 'SOUL.md', 'USER.md', 'MEMORY.md'] as const) assert.equal(readFileSync(join(ws, name), 'utf8'), BOOTSTRAP_TEMPLATES[name]);
  assert.ok(statSync(join(ws, 'memory')).isDirectory());
  const first = systemOf(h.fake.requests[0]!.body);
  assert.ok(first.includes(BOOTSTRAP_TEMPLATES['MEMORY.md'].trimEnd()), 'the starter MEMORY.md is in the first prompt');
  assert.ok(first.includes(`Your workspace is ${ws}; file tool paths are relative to it`));

  writeFileSync(join(ws, 'MEMORY.md'), '# Memory\n\nThe owner is called Ada and drinks oat milk.\n');
  await h.ask('what do you know about me?');
  const second = systemOf(h.fake.requests[1]!.body);
  assert.match(second, /## MEMORY\.md\n\n# Memory\n\nThe owner is called Ada and drinks oat milk\./);
  assert.doesNotMatch(second, /long-term memory\n\nFacts, preferences/, 'the starter text is gone');
});

test('an agent without file tools is not told about a workspace, but still gets its bootstrap files', async (t) => {
  const h = await runtimeHarness(t, () => ({ text: 'ok' }), { tools: { profile: 'minimal' } } as never);
  await h.ask('hello');
  const body = h.fake.requests[0]!.body as Body;
  assert.deepEqual((body.tools ?? []).map((x) => x.function.name), ['session_status']);
  const system = systemOf(body);
  assert.doesNotMatch(system, /Your workspace is/);
  assert.match(system, /## AGENTS\.md/);
});
