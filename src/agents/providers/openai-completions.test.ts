import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeOpenAi, type Script } from '../../../test/helpers/fake-openai.js';
import { resolvedProvider } from '../../../test/helpers/resolved-provider.js';
import { ProviderError, type ModelStreamEvent, type ResolvedProvider, type TranscriptMessage } from '../types.js';
import { isAbortError } from './classify-error.js';
import { createOpenAiProvider } from './openai-completions.js';
import { collectAll, rejection as failure } from '../../../test/helpers/rejection.js';

async function fake(t: TestContext, script?: Script) {
  const server = await startFakeOpenAi(script);
  t.after(() => server.close());
  return server;
}

async function collect(p: ResolvedProvider, messages: TranscriptMessage[], opts: { system?: string; signal?: AbortSignal; tools?: boolean } = {}) {
  const provider = createOpenAiProvider(p);
  return collectAll<ModelStreamEvent>(provider.stream({
    model: 'fake-gpt',
    messages,
    tools: opts.tools ? [{ name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } }] : [],
    signal: opts.signal ?? new AbortController().signal,
    ...(opts.system ? { system: opts.system } : {}),
  }));
}


test('text arrives as ordered deltas, then one done with text, usage and finish_reason', async (t) => {
  const server = await fake(t, () => ({ text: 'hello streaming world', chunks: 4, usage: { input: 21, output: 9 } }));
  const events = await collect(resolvedProvider('openai-completions', server.url), [{ role: 'user', text: 'hi' }], { system: 'be brief' });
  const deltas = events.filter((e) => e.type === 'text').map((e) => (e.type === 'text' ? e.delta : ''));
  assert.ok(deltas.length >= 3, `several deltas, got ${deltas.length}`);
  assert.equal(deltas.join(''), 'hello streaming world');
  assert.deepEqual(events.at(-1), { type: 'done', text: 'hello streaming world', toolCalls: [], usage: { inputTokens: 21, outputTokens: 9 }, stopReason: 'stop' });
  assert.equal(events.filter((e) => e.type === 'done').length, 1);

  const sent = server.requests[0]!;
  assert.equal(sent.path, '/v1/chat/completions');
  assert.equal(sent.headers.authorization, 'Bearer sk-test-key-0001');
  assert.equal(sent.body.model, 'fake-gpt');
  assert.equal(sent.body.stream, true);
  assert.deepEqual(sent.body.stream_options, { include_usage: true });
  assert.deepEqual(sent.body.messages, [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }]);
  assert.equal(sent.body.tools, undefined, 'no tools key when the agent offers none');
});

test('tool calls round-trip: streamed calls are parsed, and sent back as tool_calls followed by their tool results', async (t) => {
  const server = await fake(t, ({ callIndex }) =>
    callIndex === 0
      ? { toolCalls: [{ id: 'call_a', name: 'read_file', arguments: { path: '/etc/hosts' } }, { name: 'read_file', arguments: { path: 'b.txt', n: 2 } }] }
      : { text: 'done reading' },
  );
  const p = resolvedProvider('openai-completions', server.url);
  const first = (await collect(p, [{ role: 'user', text: 'read them' }], { tools: true })).at(-1)!;
  assert.equal(first.type, 'done');
  if (first.type !== 'done') return;
  assert.equal(first.stopReason, 'tool_calls');
  assert.equal(first.text, '');
  assert.equal(first.toolCalls.length, 2);
  assert.deepEqual(first.toolCalls[0], { id: 'call_a', name: 'read_file', arguments: { path: '/etc/hosts' } });
  assert.deepEqual(first.toolCalls[1]!.arguments, { path: 'b.txt', n: 2 });
  assert.ok(first.toolCalls[1]!.id.length > 0);
  assert.deepEqual(server.requests[0]!.body.tools, [
    { type: 'function', function: { name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } } },
  ]);

  const transcript: TranscriptMessage[] = [
    { role: 'user', text: 'read them' },
    { role: 'assistant', text: '', toolCalls: first.toolCalls },
    { role: 'tool', toolCallId: 'call_a', name: 'read_file', text: '127.0.0.1 localhost' },
    { role: 'tool', toolCallId: first.toolCalls[1]!.id, name: 'read_file', text: 'no such file', isError: true },
  ];
  const second = (await collect(p, transcript, { tools: true })).at(-1)!;
  assert.equal(second.type === 'done' && second.text, 'done reading');
  const msgs = server.requests[1]!.body.messages;
  assert.deepEqual(msgs[1], {
    role: 'assistant',
    content: null,
    tool_calls: [
      { id: 'call_a', type: 'function', function: { name: 'read_file', arguments: '{"path":"/etc/hosts"}' } },
      { id: first.toolCalls[1]!.id, type: 'function', function: { name: 'read_file', arguments: '{"path":"b.txt","n":2}' } },
    ],
  });
  assert.deepEqual(msgs[2], { role: 'tool', tool_call_id: 'call_a', content: '127.0.0.1 localhost' });
  assert.deepEqual(msgs[3], { role: 'tool', tool_call_id: first.toolCalls[1]!.id, content: 'Error: no such file' });
});

test('a provider without a key sends a placeholder, and configured headers go along', async (t) => {
  const server = await fake(t);
  const p = resolvedProvider('openai-completions', server.url, { key: undefined, headers: { 'x-org': 'home' } });
  const done = (await collect(p, [{ role: 'user', text: 'ping' }])).at(-1)!;
  assert.equal(done.type === 'done' && done.text, 'echo: ping');
  assert.equal(server.requests[0]!.headers.authorization, 'Bearer not-needed');
  assert.equal(server.requests[0]!.headers['x-org'], 'home');
});

test('aborting mid-stream rejects with an AbortError, not a ProviderError', async (t) => {
  const server = await fake(t, () => ({ text: 'a long answer that keeps coming', chunks: 20, chunkDelayMs: 50 }));
  const ac = new AbortController();
  const provider = createOpenAiProvider(resolvedProvider('openai-completions', server.url));
  const seen: string[] = [];
  const err = await failure(
    (async () => {
      for await (const ev of provider.stream({ model: 'm', messages: [{ role: 'user', text: 'go' }], tools: [], signal: ac.signal })) {
        if (ev.type === 'text') {
          seen.push(ev.delta);
          ac.abort();
        }
      }
    })(),
  );
  assert.ok(!(err instanceof ProviderError), 'an abort is not a provider failure');
  assert.equal((err as Error).name, 'AbortError');
  assert.ok(isAbortError(err));
  assert.equal(seen.length, 1);
});

test('an abort while waiting for the answer rejects with an AbortError too', async (t) => {
  const server = await fake(t, () => ({ hang: true }));
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  const err = await failure(collect(resolvedProvider('openai-completions', server.url), [{ role: 'user', text: 'x' }], { signal: ac.signal }));
  assert.ok(!(err instanceof ProviderError));
  assert.equal((err as Error).name, 'AbortError');
});

test('no answer within requestTimeoutMs is a network failure', async (t) => {
  const server = await fake(t, () => ({ hang: true }));
  const err = await failure(collect(resolvedProvider('openai-completions', server.url, { requestTimeoutMs: 200 }), [{ role: 'user', text: 'x' }]));
  assert.ok(err instanceof ProviderError);
  assert.equal(err.errorClass, 'network');
});

test('a stream that stalls longer than requestTimeoutMs is a network failure', async (t) => {
  const server = await fake(t, () => ({ text: 'slow', chunks: 4, chunkDelayMs: 400 }));
  const err = await failure(collect(resolvedProvider('openai-completions', server.url, { requestTimeoutMs: 150 }), [{ role: 'user', text: 'x' }]));
  assert.ok(err instanceof ProviderError);
  assert.equal(err.errorClass, 'network');
  assert.match(err.detail, /no data from the provider for 150 ms/);
});

test('a refused connection is a network failure', async (t) => {
  const server = await fake(t);
  const url = server.url;
  await server.close();
  const err = await failure(collect(resolvedProvider('openai-completions', url), [{ role: 'user', text: 'x' }]));
  assert.ok(err instanceof ProviderError);
  assert.equal(err.errorClass, 'network');
  assert.match(err.detail, /ECONNREFUSED/);
});

test('a 200 that is not SSE, a stream with invalid JSON and a stream cut before finish_reason are invalid_response', async (t) => {
  for (const reply of [{ garbage: true as const }, { text: 'x', badJson: true as const }, { text: 'partial answer', truncate: true as const }]) {
    const server = await fake(t, () => reply);
    const err = await failure(collect(resolvedProvider('openai-completions', server.url), [{ role: 'user', text: 'x' }]));
    assert.ok(err instanceof ProviderError, JSON.stringify(reply));
    assert.equal(err.errorClass, 'invalid_response', JSON.stringify(reply));
  }
});

test('the key never appears in a ProviderError, even when the provider echoes it back', async (t) => {
  const canary = 'canary-9f8e7d6c5b4a-key';
  const server = await fake(t, ({ headers }) => ({
    status: 401,
    body: JSON.stringify({ error: { message: `Incorrect API key provided: ${canary}. Header was ${String(headers.authorization)}`, type: 'invalid_request_error', code: 'invalid_api_key' } }),
  }));
  const err = await failure(collect(resolvedProvider('openai-completions', server.url, { key: canary }), [{ role: 'user', text: 'x' }]));
  assert.ok(err instanceof ProviderError);
  assert.equal(err.errorClass, 'auth');
  assert.equal(err.status, 401);
  assert.match(err.detail, /^HTTP 401 invalid_request_error \(invalid_api_key\): Incorrect API key provided/);
  for (const text of [err.message, err.detail, JSON.stringify(err), String(err.stack)]) assert.ok(!text.includes(canary), text);
});
