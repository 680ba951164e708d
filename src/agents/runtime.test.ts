import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lastAnthropicUser, lastOf, runtimeHarness } from '../../test/helpers/runtime-harness.js';
import type { Reply } from '../../test/helpers/fake-openai.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a message streams deltas, ends with one final event, and both sides land in the transcript', async (t) => {
  const h = await runtimeHarness(t, () => ({ text: 'hello there, friend', chunks: 3, usage: { input: 7, output: 3 } }));
  const snap = await h.ask('hi');
  assert.equal(snap.status, 'ok');
  assert.equal(snap.text, 'hello there, friend');
  assert.deepEqual(snap.usage, { inputTokens: 7, outputTokens: 3 });
  const events = h.chat.filter((e) => e.runId === snap.runId);
  // The first delta goes out at once; the rest are coalesced (each carries the whole text so far).
  assert.equal(events[0]!.state, 'delta');
  const first = events[0]!.message!.content[0]!.text;
  assert.ok(first.length > 0 && first.length < 'hello there, friend'.length && 'hello there, friend'.startsWith(first), first);
  assert.equal(events.at(-1)!.state, 'final');
  assert.deepEqual(events.map((e) => e.seq), events.map((_e, i) => i + 1));
  assert.equal(events.at(-1)!.message!.content[0]!.text, 'hello there, friend');
  assert.deepEqual(
    h.runtime.history('agent:main:main', 10).map((e) => [e.message.role, e.message.text]),
    [['user', 'hi'], ['assistant', 'hello there, friend']],
  );
  const lifecycle = h.agent.filter((e) => e.runId === snap.runId && e.stream === 'lifecycle').map((e) => e.data['phase']);
  assert.deepEqual(lifecycle, ['start', 'end']);
});

test('one run at a time per session: later messages queue and the transcript never interleaves', async (t) => {
  let inFlight = 0;
  let maxInFlight = 0;
  const h = await runtimeHarness(t, async ({ body }) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await sleep(30);
    inFlight--;
    return { text: `re: ${lastOf(body, 'user')}` };
  });
  const ids = ['one', 'two', 'three'].map((m) => h.runtime.send({ sessionKey: 'agent:main:main', message: m, origin: { kind: 'cli-local' } }).runId);
  assert.equal(h.runtime.run(ids[2]!)!.status, 'queued');
  const snaps = await Promise.all(ids.map((id) => h.runtime.wait(id, 10_000)));
  assert.deepEqual(snaps.map((s) => s!.status), ['ok', 'ok', 'ok']);
  assert.equal(maxInFlight, 1);
  assert.deepEqual(
    h.runtime.history('main', 10).map((e) => e.message.text),
    ['one', 're: one', 'two', 're: two', 'three', 're: three'],
  );
});

test('different sessions run concurrently up to agents.defaults.maxConcurrent', async (t) => {
  let inFlight = 0;
  let maxInFlight = 0;
  const h = await runtimeHarness(
    t,
    async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep(40);
      inFlight--;
      return { text: 'ok' };
    },
    { agents: { defaults: { maxConcurrent: 2 } } },
  );
  const ids = [1, 2, 3, 4, 5].map((i) => h.runtime.send({ sessionKey: `agent:main:s${i}`, message: 'go', origin: { kind: 'cli-local' } }).runId);
  await Promise.all(ids.map((id) => h.runtime.wait(id, 10_000)));
  assert.equal(maxInFlight, 2);
});

test('the same runId twice starts one run (idempotent send)', async (t) => {
  const h = await runtimeHarness(t, () => ({ text: 'once' }));
  const a = h.runtime.send({ sessionKey: 'main', message: 'x', runId: 'idem-1', origin: { kind: 'cli-local' } });
  const b = h.runtime.send({ sessionKey: 'main', message: 'x', runId: 'idem-1', origin: { kind: 'cli-local' } });
  assert.equal(a.status, 'started');
  assert.equal(b.status, 'in_flight');
  await h.runtime.wait('idem-1', 5000);
  assert.equal(h.fake.requests.filter((r) => r.method === 'POST').length, 1);
});

test('abort ends the running run and the queued ones; the session keeps working', async (t) => {
  const h = await runtimeHarness(t, ({ body }) => (lastOf(body, 'user') === 'hang' ? { hang: true } : { text: 'fine' }));
  const first = h.runtime.send({ sessionKey: 'main', message: 'hang', origin: { kind: 'cli-local' } });
  const queued = h.runtime.send({ sessionKey: 'main', message: 'hang', origin: { kind: 'cli-local' } });
  await sleep(100);
  assert.deepEqual(h.runtime.abort('main').sort(), [first.runId, queued.runId].sort());
  assert.equal((await h.runtime.wait(first.runId, 5000))!.status, 'aborted');
  assert.equal((await h.runtime.wait(queued.runId, 5000))!.status, 'aborted');
  assert.ok(h.chat.some((e) => e.runId === first.runId && e.state === 'aborted'));
  assert.equal((await h.ask('again')).text, 'fine');
});

test('a run that exceeds its timeout ends as timeout with RUN_TIMEOUT', async (t) => {
  const h = await runtimeHarness(t, () => ({ hang: true }));
  const { runId } = h.runtime.send({ sessionKey: 'main', message: 'slow', timeoutMs: 150, origin: { kind: 'cli-local' } });
  const snap = await h.runtime.wait(runId, 5000);
  assert.equal(snap!.status, 'timeout');
  assert.equal(snap!.error!.code, 'RUN_TIMEOUT');
  const errors = h.chat.filter((e) => e.runId === runId);
  assert.deepEqual(errors.map((e) => e.state), ['error']);
});

test('no model configured: the run fails with MODEL_NOT_CONFIGURED naming the fix, and no provider is called', async (t) => {
  const h = await runtimeHarness(t, () => ({ text: 'never' }), { agents: { defaults: { model: 'nope/model' } } } as never);
  const snap = await h.ask('hi');
  assert.equal(snap.status, 'error');
  assert.equal(snap.error!.code, 'MODEL_NOT_CONFIGURED');
  assert.match(snap.error!.message, /models\.providers\.nope/);
  assert.equal(h.fake.requests.length, 0);
});

test('unknown agents and malformed session keys are refused before anything is stored', async (t) => {
  const h = await runtimeHarness(t, () => ({ text: 'x' }));
  assert.throws(() => h.runtime.send({ sessionKey: 'agent:ghost:main', message: 'hi', origin: { kind: 'cli-local' } }), { code: 'UNKNOWN_AGENT' });
  assert.throws(() => h.runtime.send({ sessionKey: 'agent::main', message: 'hi', origin: { kind: 'cli-local' } }), { code: 'INVALID_PARAMS' });
  assert.throws(() => h.runtime.send({ sessionKey: 'main', message: '   ', origin: { kind: 'cli-local' } }), { code: 'INVALID_PARAMS' });
  assert.deepEqual(h.runtime.sessions(), []);
});

test('a dangling tool call left by a crash is answered before the next run, in place, and the repair is stored', async (t) => {
  const h = await runtimeHarness(t, () => ({ text: 'recovered' }));
  h.store.write(() => {
    h.store.sessions.ensure({ key: 'agent:main:main', agentId: 'main', kind: 'main' }, 1);
    h.store.transcripts.append('agent:main:main', 'old', [{ role: 'user', text: 'look it up' }, { role: 'assistant', text: '', toolCalls: [{ id: 'call_1', name: 'sessions_list', arguments: {} }] }], 2);
  });
  await h.ask('still there?');
  const sent = (h.fake.requests.find((r) => r.method === 'POST')!.body.messages as { role: string; tool_call_id?: string; content?: string }[]).filter((m) => m.role !== 'system');
  assert.deepEqual(sent.map((m) => m.role), ['user', 'assistant', 'tool', 'user']);
  assert.equal(sent[2]!.tool_call_id, 'call_1');
  const stored = h.runtime.history('main', 10);
  assert.deepEqual(stored.map((e) => e.message.role), ['user', 'assistant', 'tool', 'user', 'assistant']);
  assert.equal(stored[2]!.repairOf, stored[1]!.id);
});

function spawnScript(childText: string, spawnArgs: Record<string, unknown> = { task: 'child task', label: 'kid' }): (req: { body: any }) => Reply {
  return ({ body }) => {
    const user = lastOf(body, 'user');
    const last = body.messages.at(-1);
    if (user === 'child task') return { text: childText, usage: { input: 11, output: 5 } };
    if (user.startsWith('[sub-agent report]')) return { text: `the child said: ${user.split('\n').at(-1)}` };
    if (last.role === 'tool') return { text: 'spawned a helper' };
    return { toolCalls: [{ id: 'call_spawn', name: 'sessions_spawn', arguments: spawnArgs }] };
  };
}

test('sessions_spawn: accepted at once, the child runs in its own session, and its report comes back into the conversation', async (t) => {
  const h = await runtimeHarness(t, spawnScript('child result 42'));
  const first = await h.ask('plan something');
  assert.equal(first.text, 'spawned a helper');
  const toolResult = h.runtime.history('main', 50).find((e) => e.message.role === 'tool')!;
  const accepted = JSON.parse(toolResult.message.text) as { status: string; runId: string; childSessionKey: string };
  assert.equal(accepted.status, 'accepted');
  assert.match(accepted.childSessionKey, /^agent:main:subagent:[0-9a-f-]{36}$/);
  await h.runtime.wait(accepted.runId, 5000);
  // The announce run in the parent session follows the child's end.
  let parent = h.runtime.history('main', 50);
  for (let i = 0; i < 100 && parent.at(-1)?.message.role !== 'assistant' || !parent.at(-1)?.message.text.startsWith('the child said'); i++) {
    await sleep(20);
    parent = h.runtime.history('main', 50);
  }
  const report = parent.find((e) => e.message.role === 'user' && e.message.text.startsWith('[sub-agent report]'))!.message.text;
  assert.match(report, /"kid"/);
  assert.match(report, /status: ok/);
  assert.match(report, /tokens: 11 in, 5 out/);
  assert.match(report, /child result 42$/);
  assert.equal(parent.at(-1)!.message.text, 'the child said: child result 42');
  const child = h.runtime.sessions().find((s) => s.key === accepted.childSessionKey)!;
  assert.equal(child.parentKey, 'agent:main:main');
  assert.equal(child.spawnDepth, 1);
  assert.equal(child.label, 'kid');
  // The child (depth 1 = maxSpawnDepth) is not offered sessions_spawn; the parent is.
  const toolsOf = (text: string) => (h.fake.requests.find((r) => r.body && lastOf(r.body, 'user') === text)!.body.tools ?? []).map((x: { function: { name: string } }) => x.function.name);
  assert.ok(toolsOf('plan something').includes('sessions_spawn'));
  assert.ok(!toolsOf('child task').includes('sessions_spawn'));
});

test('a failed child reports the runtime status, not what the model said', async (t) => {
  const h = await runtimeHarness(t, (req) => (lastOf(req.body, 'user') === 'child task' ? { status: 400, body: '{"error":{"message":"bad child"}}' } : spawnScript('x')(req)));
  await h.ask('plan something');
  let report: string | undefined;
  for (let i = 0; i < 100 && !report; i++) {
    await sleep(20);
    report = h.runtime.history('main', 50).find((e) => e.message.text.startsWith('[sub-agent report]'))?.message.text;
  }
  assert.match(report!, /status: error/);
  assert.match(report!, /refused the request \(HTTP 400\)/);
});

test('spawn limits: children per requester, and cleanup "delete" removes the child session after its report', async (t) => {
  const h = await runtimeHarness(
    t,
    ({ body }) => {
      const user = lastOf(body, 'user');
      if (user === 'child task') return { text: 'done', delayMs: 100 };
      if (user.startsWith('[sub-agent report]')) return { text: 'noted' };
      if (body.messages.at(-1).role === 'tool') return { text: 'ok' };
      const args = { task: 'child task', cleanup: 'delete' };
      return { toolCalls: [{ id: 'a', name: 'sessions_spawn', arguments: args }, { id: 'b', name: 'sessions_spawn', arguments: args }] };
    },
    { agents: { defaults: { subagents: { maxChildrenPerAgent: 1 } } } } as never,
  );
  await h.ask('two at once');
  const results = h.runtime.history('main', 50).filter((e) => e.message.role === 'tool').map((e) => JSON.parse(e.message.text) as { status: string; error?: string });
  assert.deepEqual(results.map((r) => r.status), ['accepted', 'forbidden']);
  assert.match(results[1]!.error!, /maxChildrenPerAgent/);
  for (let i = 0; i < 100 && h.runtime.sessions().some((s) => s.kind === 'subagent'); i++) await sleep(20);
  assert.deepEqual(h.runtime.sessions().filter((s) => s.kind === 'subagent'), []);
});

test('tool policy: a denied tool is not offered, and a call to it anyway is an error result, not a failed run', async (t) => {
  const h = await runtimeHarness(
    t,
    ({ body }) => (body.messages.at(-1).role === 'tool' ? { text: 'understood' } : { toolCalls: [{ id: 'c1', name: 'sessions_spawn', arguments: { task: 't' } }] }),
    { agents: { list: [{ id: 'main', tools: { deny: ['sessions_spawn'] } }] } } as never,
  );
  const snap = await h.ask('try');
  assert.equal(snap.status, 'ok');
  const offered = (h.fake.requests[0]!.body.tools ?? []).map((x: { function: { name: string } }) => x.function.name);
  assert.ok(!offered.includes('sessions_spawn'));
  assert.ok(offered.includes('sessions_list'));
  const result = JSON.parse(h.runtime.history('main', 10).find((e) => e.message.role === 'tool')!.message.text) as { status: string; error: string };
  assert.equal(result.status, 'error');
  assert.match(result.error, /not available/);
});

test('sessions_send: one agent asks another session and gets its reply', async (t) => {
  const h = await runtimeHarness(t, ({ body }) => {
    const user = lastOf(body, 'user');
    if (user.startsWith('[message from session agent:main:main]')) return { text: 'pong from other' };
    if (body.messages.at(-1).role === 'tool') return { text: `got: ${JSON.parse(body.messages.at(-1).content).reply}` };
    return { toolCalls: [{ id: 's1', name: 'sessions_send', arguments: { sessionKey: 'agent:main:other', message: 'ping', timeoutSeconds: 10 } }] };
  });
  const snap = await h.ask('ask the other one');
  assert.equal(snap.text, 'got: pong from other');
  assert.equal(h.runtime.history('agent:main:other', 10).at(-1)!.message.text, 'pong from other');
});

test('deltas are coalesced while a reply streams fast, and the text of every round stays on screen', async (t) => {
  const h = await runtimeHarness(t, ({ body }) =>
    body.messages.at(-1).role === 'tool' ? { text: 'The answer is 4.', chunks: 40, chunkDelayMs: 5 } : { text: 'Let me look.', toolCalls: [{ id: 'l1', name: 'sessions_list', arguments: {} }] },
  );
  const snap = await h.ask('what is 2+2?');
  assert.equal(snap.text, 'The answer is 4.', "the run's result is its last answer");
  const events = h.chat.filter((e) => e.runId === snap.runId);
  const deltas = events.filter((e) => e.state === 'delta');
  assert.ok(deltas.length >= 2 && deltas.length < 30, `40 chunks over ~200 ms give a few coalesced deltas, got ${deltas.length}`);
  const texts = events.map((e) => e.message!.content[0]!.text);
  for (let i = 1; i < texts.length; i++) assert.ok(texts[i]!.startsWith(texts[i - 1]!), 'each event extends the text before it');
  assert.equal(texts.at(-1), 'Let me look.\n\nThe answer is 4.');
});

test('the system prompt carries the owner\'s prompt, how sub-agent reports arrive, and a sub-agent\'s role', async (t) => {
  const h = await runtimeHarness(
    t,
    ({ body }) => {
      const user = lastOf(body, 'user');
      if (user === 'sub task') return { text: 'sub done' };
      if (user.startsWith('[sub-agent report]') || body.messages.at(-1).role === 'tool') return { text: 'ok' };
      return { toolCalls: [{ id: 's', name: 'sessions_spawn', arguments: { task: 'sub task' } }] };
    },
    { agents: { list: [{ id: 'main', systemPrompt: 'You are Ada, the owner\'s assistant.' }] } } as never,
  );
  await h.ask('delegate');
  for (let i = 0; i < 100 && !h.fake.requests.some((r) => r.body && lastOf(r.body, 'user') === 'sub task'); i++) await sleep(20);
  const systemOf = (text: string) => (h.fake.requests.find((r) => r.body && lastOf(r.body, 'user') === text)!.body.messages[0] as { role: string; content: string });
  const parent = systemOf('delegate');
  assert.equal(parent.role, 'system');
  assert.match(parent.content, /^You are Ada, the owner's assistant\./);
  assert.match(parent.content, /\[sub-agent report\]/);
  const child = systemOf('sub task');
  assert.match(child.content, /You are a sub-agent started by session agent:main:main/);
  assert.doesNotMatch(child.content, /sessions_spawn starts/, 'a sub-agent at the depth limit is not told about a tool it does not have');
});

test('the same sub-agent round trip over the Anthropic Messages API: tool use, tool result, report, continuation', async (t) => {
  const h = await runtimeHarness(
    t,
    ({ body }) => {
      const user = lastAnthropicUser(body);
      const last = body.messages.at(-1);
      const lastIsToolResult = last.role === 'user' && Array.isArray(last.content) && last.content.some((b: { type: string }) => b.type === 'tool_result');
      if (user === 'child task') return { text: 'child result 7' };
      if (user.startsWith('[sub-agent report]')) return { text: `noted: ${user.split('\n').at(-1)}` };
      if (lastIsToolResult) return { text: 'spawned' };
      return { toolCalls: [{ id: 'toolu_1', name: 'sessions_spawn', arguments: { task: 'child task' } }] };
    },
    {},
    'anthropic-messages',
  );
  assert.equal((await h.ask('go')).text, 'spawned');
  let last = '';
  for (let i = 0; i < 100 && !last.startsWith('noted'); i++) {
    await sleep(20);
    last = h.runtime.history('main', 50).at(-1)!.message.text;
  }
  assert.equal(last, 'noted: child result 7');
  const first = h.fake.requests.find((r) => r.method === 'POST')!.body as { system?: unknown; tools: { name: string }[] };
  assert.ok(first.tools.some((x) => x.name === 'sessions_spawn'));
  assert.match(JSON.stringify(first.system), /sub-agent report/);
});

test('a tool call is visible with its time: start and result events carry it, and so does the stored result', async (t) => {
  const h = await runtimeHarness(t, ({ body }) => (body.messages.at(-1).role === 'tool' ? { text: 'done' } : { toolCalls: [{ id: 'st1', name: 'session_status', arguments: {} }] }));
  const snap = await h.ask('where am I?');
  assert.equal(snap.status, 'ok');
  const tool = h.agent.filter((e) => e.runId === snap.runId && e.stream === 'tool');
  assert.deepEqual(tool.map((e) => e.data['phase']), ['start', 'result']);
  const [start, result] = tool;
  assert.equal(typeof start!.data['startedAt'], 'number');
  assert.equal(result!.data['startedAt'], start!.data['startedAt']);
  assert.equal(typeof result!.data['durationMs'], 'number');
  assert.equal((result!.data['result'] as { sessionKey: string }).sessionKey, 'agent:main:main');
  const stored = h.store.transcripts.list('agent:main:main', { limit: 10 }).map((e) => e.message).find((m) => m.role === 'tool');
  assert.ok(stored && stored.role === 'tool');
  assert.equal(stored.durationMs, result!.data['durationMs']);
});
