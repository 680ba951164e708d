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
export const FAKE_ANTHROPIC_MODEL = 'fake-claude';

/**
 * A real HTTP server speaking the Anthropic Messages API: POST /v1/messages (SSE stream with message_start,
 * content_block_start/delta/stop, message_delta, message_stop; or plain JSON). `url` is the server root.
 */
export function startFakeAnthropic(script: Script = echoScript): Promise<FakeModelServer> {
  return startFakeServer(
    {
      basePath: '',
      modelPaths: ['/v1/messages'],
      getRoutes: { '/v1/models': { data: [{ id: FAKE_ANTHROPIC_MODEL, type: 'model', display_name: 'Fake Claude', created_at: '2025-01-01T00:00:00Z' }], has_more: false } },
      write,
    },
    // Anthropic's error body shape is the default for error replies without a body.
    async (req) => {
      const reply = await script(req);
      if (reply.status !== undefined && reply.status !== 200 && reply.body === undefined) {
        return { ...reply, body: JSON.stringify({ type: 'error', error: { type: 'api_error', message: `fake error ${reply.status}` } }) };
      }
      return reply;
    },
  );
}

async function write(res: ServerResponse, reply: Reply, req: RecordedRequest, signal: AbortSignal): Promise<void> {
  const id = `msg_fake${req.callIndex}`;
  const model = String(req.body?.model ?? FAKE_ANTHROPIC_MODEL);
  const calls = (reply.toolCalls ?? []).map((c, i) => ({ id: c.id ?? `toolu_fake_${req.callIndex}_${i}`, name: c.name, input: c.arguments }));
  const stopReason = calls.length > 0 ? 'tool_use' : 'end_turn';
  const input = reply.usage?.input ?? 13;
  const output = reply.usage?.output ?? 5;
  const text = reply.text ?? '';

  if (req.body?.stream !== true) {
    res.writeHead(200, { 'content-type': 'application/json', ...reply.headers });
    res.end(JSON.stringify({
      id, type: 'message', role: 'assistant', model, stop_reason: stopReason, stop_sequence: null,
      content: [...(text ? [{ type: 'text', text }] : []), ...calls.map((c) => ({ type: 'tool_use', ...c }))],
      usage: { input_tokens: input, output_tokens: output },
    }));
    return;
  }

  const send = (event: string, data: object): Promise<void> => sendEvent(res, { type: event, ...data }, reply, signal, event);
  startSse(res, reply.headers);
  await send('message_start', {
    message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: input, output_tokens: 1 } },
  });
  await send('ping', {});
  if (reply.badJson) {
    await sendEvent(res, '{"type": not json', reply, signal, 'content_block_start');
    res.end();
    return;
  }
  let index = 0;
  const pieces = splitText(text, reply.chunks);
  if (pieces.length > 0) {
    await send('content_block_start', { index, content_block: { type: 'text', text: '' } });
    for (const piece of pieces) await send('content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
    if (reply.truncate) {
      res.end();
      return;
    }
    await send('content_block_stop', { index });
    index++;
  }
  for (const c of calls) {
    await send('content_block_start', { index, content_block: { type: 'tool_use', id: c.id, name: c.name, input: {} } });
    for (const piece of argumentPieces(c.input)) await send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } });
    await send('content_block_stop', { index });
    index++;
  }
  await send('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: output } });
  await send('message_stop', {});
  res.end();
}
