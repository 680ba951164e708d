import { test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { FAKE_ANTHROPIC_MODEL, startFakeAnthropic } from './fake-anthropic.js';
import { FAKE_OPENAI_MODEL, startFakeOpenAi } from './fake-openai.js';

test('the fake OpenAI server answers non-streaming calls and lists its model', async (t) => {
  const server = await startFakeOpenAi(({ callIndex }) => (callIndex === 0 ? { text: 'plain' } : { toolCalls: [{ name: 'f', arguments: { a: 1 } }] }));
  t.after(() => server.close());
  const client = new OpenAI({ apiKey: 'k', baseURL: server.url, maxRetries: 0, logLevel: 'off' });
  const models = await client.models.list();
  assert.deepEqual(models.data.map((m) => m.id), [FAKE_OPENAI_MODEL]);
  const a = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'q' }] });
  assert.equal(a.choices[0]?.message.content, 'plain');
  const b = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'q' }] });
  assert.equal(b.choices[0]?.finish_reason, 'tool_calls');
  const call = b.choices[0]?.message.tool_calls?.[0];
  assert.equal(call?.type === 'function' && call.function.arguments, '{"a":1}');
  assert.equal(server.requests.length, 2, 'GET /v1/models is not recorded as a model call');
});

test('the fake Anthropic server answers non-streaming calls and rejects unknown routes', async (t) => {
  const server = await startFakeAnthropic(() => ({ text: 'hi', toolCalls: [{ id: 'tu', name: 'f', arguments: { b: 2 } }], usage: { input: 3, output: 4 } }));
  t.after(() => server.close());
  const client = new Anthropic({ apiKey: 'k', authToken: null, baseURL: server.url, maxRetries: 0, logLevel: 'off' });
  const msg = await client.messages.create({ model: FAKE_ANTHROPIC_MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'q' }] });
  assert.equal(msg.stop_reason, 'tool_use');
  assert.deepEqual(msg.content.map((b) => b.type), ['text', 'tool_use']);
  assert.equal(msg.usage.input_tokens, 3);
  const res = await fetch(`${server.url}/v1/nothing`, { method: 'POST', body: '{}' });
  assert.equal(res.status, 404);
});
