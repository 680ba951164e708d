import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeAnthropic, type Script } from '../../../test/helpers/fake-anthropic.js';
import { resolvedProvider } from '../../../test/helpers/resolved-provider.js';
import { ProviderError, type ModelStreamEvent, type ResolvedProvider, type TranscriptMessage } from '../types.js';
import { ANTHROPIC_DEFAULT_MAX_TOKENS, createAnthropicProvider, toAnthropicMessages } from './anthropic-messages.js';
import { collectAll, rejection as failure } from '../../../test/helpers/rejection.js';

async function fake(t: TestContext, script?: Script) {
  const server = await startFakeAnthropic(script);
  t.after(() => server.close());
  return server;
}

async function collect(p: ResolvedProvider, messages: TranscriptMessage[], opts: { system?: string; signal?: AbortSignal; tools?: boolean; maxTokens?: number } = {}) {
  return collectAll<ModelStreamEvent>(createAnthropicProvider(p).stream({
    model: 'fake-claude',
    messages,
    tools: opts.tools ? [{ name: 'read_file', description: 'Read a file', parameters: { properties: { path: { type: 'string' } } } }] : [],
    signal: opts.signal ?? new AbortController().signal,
    ...(opts.system ? { system: opts.system } : {}),
    ...(opts.maxTokens ? { maxTokens: opts.maxTokens } : {}),
  }));
}


test('text arrives as ordered deltas, then one done with text, usage and stop_reason; system is top-level', async (t) => {
  const server = await fake(t, () => ({ text: 'bonjour tout le monde', chunks: 5, usage: { input: 30, output: 12 } }));
  const events = await collect(resolvedProvider('anthropic-messages', server.url, { key: 'sk-ant-test-1' }), [{ role: 'user', text: 'salut' }], { system: 'be kind' });
  const deltas = events.flatMap((e) => (e.type === 'text' ? [e.delta] : []));
  assert.ok(deltas.length >= 4, `several deltas, got ${deltas.length}`);
  assert.equal(deltas.join(''), 'bonjour tout le monde');
  assert.deepEqual(events.at(-1), { type: 'done', text: 'bonjour tout le monde', toolCalls: [], usage: { inputTokens: 30, outputTokens: 12 }, stopReason: 'end_turn' });

  const sent = server.requests[0]!;
  assert.equal(sent.path, '/v1/messages');
  // SDK 1.x sends the API key as a bearer token, and no second credential from the environment.
  assert.equal(sent.headers.authorization, 'Bearer sk-ant-test-1');
  assert.equal(sent.headers['x-api-key'], undefined);
  assert.ok(typeof sent.headers['anthropic-version'] === 'string');
  assert.equal(sent.body.system, 'be kind');
  assert.equal(sent.body.max_tokens, ANTHROPIC_DEFAULT_MAX_TOKENS);
  assert.equal(sent.body.stream, true);
  assert.deepEqual(sent.body.messages, [{ role: 'user', content: [{ type: 'text', text: 'salut' }] }]);
});

test('maxTokens from the request replaces the default', async (t) => {
  const server = await fake(t);
  await collect(resolvedProvider('anthropic-messages', server.url), [{ role: 'user', text: 'x' }], { maxTokens: 256 });
  assert.equal(server.requests[0]!.body.max_tokens, 256);
});

test('tool calls round-trip: input_json_delta pieces are joined, and results go back as user tool_result blocks', async (t) => {
  const server = await fake(t, ({ callIndex }) =>
    callIndex === 0
      ? { text: 'Let me look.', toolCalls: [{ id: 'toolu_1', name: 'read_file', arguments: { path: 'a.txt' } }, { id: 'toolu_2', name: 'read_file', arguments: { path: 'b.txt', deep: { x: [1, 2] } } }] }
      : { text: 'Both read.' },
  );
  const p = resolvedProvider('anthropic-messages', server.url);
  const first = (await collect(p, [{ role: 'user', text: 'read a and b' }], { tools: true })).at(-1)!;
  assert.ok(first.type === 'done');
  assert.equal(first.stopReason, 'tool_use');
  assert.equal(first.text, 'Let me look.');
  assert.deepEqual(first.toolCalls, [
    { id: 'toolu_1', name: 'read_file', arguments: { path: 'a.txt' } },
    { id: 'toolu_2', name: 'read_file', arguments: { path: 'b.txt', deep: { x: [1, 2] } } },
  ]);
  assert.deepEqual(server.requests[0]!.body.tools, [
    { name: 'read_file', description: 'Read a file', input_schema: { type: 'object', properties: { path: { type: 'string' } } } },
  ]);

  const transcript: TranscriptMessage[] = [
    { role: 'user', text: 'read a and b' },
    { role: 'assistant', text: first.text, toolCalls: first.toolCalls },
    { role: 'tool', toolCallId: 'toolu_1', name: 'read_file', text: 'A' },
    { role: 'tool', toolCallId: 'toolu_2', name: 'read_file', text: 'missing', isError: true },
  ];
  await collect(p, transcript, { tools: true });
  assert.deepEqual(server.requests[1]!.body.messages, [
    { role: 'user', content: [{ type: 'text', text: 'read a and b' }] },
    {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'a.txt' } },
        { type: 'tool_use', id: 'toolu_2', name: 'read_file', input: { path: 'b.txt', deep: { x: [1, 2] } } },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_1', content: 'A' },
        { type: 'tool_result', tool_use_id: 'toolu_2', content: 'missing', is_error: true },
      ],
    },
  ]);
});

test('consecutive same-role messages merge so roles alternate; tool results come before text; empty text is dropped', () => {
  const out = toAnthropicMessages([
    { role: 'user', text: 'one' },
    { role: 'user', text: 'two' },
    { role: 'assistant', text: '', toolCalls: [{ id: 't1', name: 'x', arguments: {} }] },
    { role: 'tool', toolCallId: 't1', name: 'x', text: 'r' },
    { role: 'user', text: 'three' },
    { role: 'assistant', text: '' },
    { role: 'assistant', text: 'four' },
  ]);
  assert.deepEqual(out.map((m) => m.role), ['user', 'assistant', 'user', 'assistant']);
  assert.deepEqual(out[0]!.content, [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }]);
  assert.deepEqual(out[1]!.content, [{ type: 'tool_use', id: 't1', name: 'x', input: {} }]);
  assert.deepEqual(out[2]!.content, [{ type: 'tool_result', tool_use_id: 't1', content: 'r' }, { type: 'text', text: 'three' }]);
  assert.deepEqual(out[3]!.content, [{ type: 'text', text: 'four' }]);
});

test('aborting mid-stream rejects with an AbortError, not a ProviderError', async (t) => {
  const server = await fake(t, () => ({ text: 'streaming for a while', chunks: 20, chunkDelayMs: 50 }));
  const ac = new AbortController();
  const provider = createAnthropicProvider(resolvedProvider('anthropic-messages', server.url));
  const err = await failure(
    (async () => {
      for await (const ev of provider.stream({ model: 'm', messages: [{ role: 'user', text: 'go' }], tools: [], signal: ac.signal })) {
        if (ev.type === 'text') ac.abort();
      }
    })(),
  );
  assert.ok(!(err instanceof ProviderError));
  assert.equal((err as Error).name, 'AbortError');
});

test('no answer within requestTimeoutMs, and a stalled stream, are network failures', async (t) => {
  for (const reply of [{ hang: true as const }, { text: 'slow', chunks: 3, chunkDelayMs: 400 }]) {
    const server = await fake(t, () => reply);
    const err = await failure(collect(resolvedProvider('anthropic-messages', server.url, { requestTimeoutMs: 150 }), [{ role: 'user', text: 'x' }]));
    assert.ok(err instanceof ProviderError, JSON.stringify(reply));
    assert.equal(err.errorClass, 'network', JSON.stringify(reply));
  }
});

test('529 overloaded_error is overloaded; a low credit balance 400 is billing', async (t) => {
  const overloaded = await fake(t, () => ({ status: 529, body: JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }) }));
  const e1 = await failure(collect(resolvedProvider('anthropic-messages', overloaded.url), [{ role: 'user', text: 'x' }]));
  assert.ok(e1 instanceof ProviderError);
  assert.equal(e1.errorClass, 'overloaded');
  assert.equal(e1.detail, 'HTTP 529 overloaded_error: Overloaded');

  const broke = await fake(t, () => ({
    status: 400,
    body: JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'Your credit balance is too low to access the Anthropic API.' } }),
  }));
  const e2 = await failure(collect(resolvedProvider('anthropic-messages', broke.url), [{ role: 'user', text: 'x' }]));
  assert.ok(e2 instanceof ProviderError);
  assert.equal(e2.errorClass, 'billing');
});

test('a 200 that is not SSE, invalid JSON in the stream and a stream cut before message_stop are invalid_response', async (t) => {
  for (const reply of [{ garbage: true as const }, { text: 'x', badJson: true as const }, { text: 'half', truncate: true as const }]) {
    const server = await fake(t, () => reply);
    const err = await failure(collect(resolvedProvider('anthropic-messages', server.url), [{ role: 'user', text: 'x' }]));
    assert.ok(err instanceof ProviderError, JSON.stringify(reply));
    assert.equal(err.errorClass, 'invalid_response', JSON.stringify(reply));
  }
});

test('the key never appears in a ProviderError, even when the provider echoes it back', async (t) => {
  const canary = 'canary-anthropic-77aa55';
  const server = await fake(t, ({ headers }) => ({
    status: 401,
    body: JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: `invalid key ${String(headers.authorization).replace('Bearer ', '')}` } }),
  }));
  const err = await failure(collect(resolvedProvider('anthropic-messages', server.url, { key: canary }), [{ role: 'user', text: 'x' }]));
  assert.ok(err instanceof ProviderError);
  assert.equal(err.errorClass, 'auth');
  assert.equal(err.detail, 'HTTP 401 authentication_error: invalid key [redacted]');
  for (const text of [err.message, err.detail, String(err.stack)]) assert.ok(!text.includes(canary), text);
});
