import type { ServerResponse } from 'node:http';
import {
  argumentPieces,
  echoScript,
  sendEvent,
  splitText,
  startFakeServer,
  startSse,
  type FakeModelServer,
  type RecordedRequest,
  type Reply,
  type Script,
} from './fake-model-server.js';

export { echoScript, type FakeModelServer, type Reply, type Script } from './fake-model-server.js';

/** The model id GET /v1/models lists. */
export const FAKE_OPENAI_MODEL = 'fake-gpt';

/**
 * A real HTTP server speaking OpenAI chat completions (streaming SSE and plain JSON) and GET /v1/models.
 * `url` ends in /v1, ready for a provider's baseUrl.
 */
export function startFakeOpenAi(script: Script = echoScript): Promise<FakeModelServer> {
  const models = { object: 'list', data: [{ id: FAKE_OPENAI_MODEL, object: 'model', created: 0, owned_by: 'fake' }] };
  return startFakeServer(
    {
      basePath: '/v1',
      modelPaths: ['/v1/chat/completions', '/chat/completions'],
      getRoutes: { '/v1/models': models, '/models': models },
      write,
    },
    script,
  );
}

async function write(res: ServerResponse, reply: Reply, req: RecordedRequest, signal: AbortSignal): Promise<void> {
  const id = `chatcmpl-fake${req.callIndex}`;
  const model = String(req.body?.model ?? FAKE_OPENAI_MODEL);
  const calls = (reply.toolCalls ?? []).map((c, i) => ({ id: c.id ?? `call_fake_${req.callIndex}_${i}`, name: c.name, arguments: c.arguments }));
  const finish = calls.length > 0 ? 'tool_calls' : 'stop';
  const usage = { prompt_tokens: reply.usage?.input ?? 11, completion_tokens: reply.usage?.output ?? 7, total_tokens: (reply.usage?.input ?? 11) + (reply.usage?.output ?? 7) };
  const text = reply.text ?? '';

  if (req.body?.stream !== true) {
    res.writeHead(200, { 'content-type': 'application/json', ...reply.headers });
    res.end(JSON.stringify({
      id, object: 'chat.completion', created: 0, model,
      choices: [{
        index: 0,
        finish_reason: finish,
        message: {
          role: 'assistant',
          content: text === '' && calls.length > 0 ? null : text,
          ...(calls.length > 0 ? { tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.arguments) } })) } : {}),
        },
      }],
      usage,
    }));
    return;
  }

  const chunk = (delta: object, finishReason: string | null = null): object => ({
    id, object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta, finish_reason: finishReason }],
  });
  startSse(res, reply.headers);
  await sendEvent(res, chunk({ role: 'assistant', content: '' }), reply, signal);
  if (reply.badJson) {
    await sendEvent(res, '{"id": not json', reply, signal);
    res.end();
    return;
  }
  for (const piece of splitText(text, reply.chunks)) await sendEvent(res, chunk({ content: piece }), reply, signal);
  if (reply.truncate) {
    res.end();
    return;
  }
  for (const [index, c] of calls.entries()) {
    await sendEvent(res, chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] }), reply, signal);
    for (const piece of argumentPieces(c.arguments)) {
      await sendEvent(res, chunk({ tool_calls: [{ index, function: { arguments: piece } }] }), reply, signal);
    }
  }
  await sendEvent(res, chunk({}, finish), reply, signal);
  if (req.body?.stream_options?.include_usage) {
    await sendEvent(res, { id, object: 'chat.completion.chunk', created: 0, model, choices: [], usage }, reply, signal);
  }
  await sendEvent(res, '[DONE]', reply, signal);
  res.end();
}
