/**
 * The stand-in model for the agent benchmarks: the tests' fake OpenAI server (real HTTP on 127.0.0.1)
 * driven by a script keyed on the message text, which stamps when each model request arrived, plus the
 * same request made directly (no gateway, no SDK) as the round-trip floor.
 */
import { lastUserText } from '../test/helpers/fake-model-server.js';
import { startFakeOpenAi, type FakeModelServer, type Reply } from '../test/helpers/fake-openai.js';

/** Header marking a direct replay, so its arrival is not taken for the gateway's request. */
const REPLAY_HEADER = 'x-bench-replay';

/** How the stand-in streams a `STREAM` reply (phase 3): chunks and the pause before each stream event. */
export interface StreamShape {
  chunks: number;
  chunkDelayMs: number;
}

/** When a model request arrived (performance.now() of this process) and its index in fake.requests. */
export interface Arrival {
  at: number;
  callIndex: number;
}

export interface BenchProvider {
  readonly fake: FakeModelServer;
  /**
   * Arrivals by last user text (first arrival wins; tool follow-ups excluded); direct replays under
   * `replay <text>`.
   */
  readonly arrivals: Map<string, Arrival>;
  /** The text a STREAM reply sends in total. */
  readonly streamText: string;
  close(): Promise<void>;
}

/**
 * Replies by prefix of the last user message: `PING x` -> one text chunk at once; `SPAWN x` -> a
 * sessions_spawn call whose task is `CHILD x`; `CHILD x` -> text; `STREAM x` -> the stream shape; a tool
 * result or a sub-agent report -> short text. No delays except the STREAM chunk pause.
 */
export async function startBenchProvider(shape: StreamShape): Promise<BenchProvider> {
  const arrivals = new Map<string, Arrival>();
  const piece = 'lorem ipsum dolor. ';
  const streamText = piece.repeat(shape.chunks);
  const fake = await startFakeOpenAi(({ body, headers, callIndex }): Reply => {
    const at = performance.now();
    const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
    const lastRole = messages[messages.length - 1]?.role;
    const text = lastUserText(body);
    const key = headers[REPLAY_HEADER] === undefined ? text : `replay ${text}`;
    if (lastRole === 'user' && !arrivals.has(key)) arrivals.set(key, { at, callIndex });
    if (lastRole === 'tool') return { text: 'spawned' };
    if (text.startsWith('PING ')) return { text: `pong ${text.slice(5)}` };
    if (text.startsWith('SPAWN ')) return { toolCalls: [{ name: 'sessions_spawn', arguments: { task: `CHILD ${text.slice(6)}`, label: 'bench' } }] };
    if (text.startsWith('CHILD ')) return { text: 'child done' };
    if (text.startsWith('STREAM ')) return { text: streamText, chunks: shape.chunks, chunkDelayMs: shape.chunkDelayMs };
    return { text: 'noted' };
  });
  return { fake, arrivals, streamText, close: () => fake.close() };
}

/**
 * A direct POST of `body` (serialised here, like any client would), timed from its start (t0) to the
 * first SSE event carrying text (firstAt): the provider round trip with neither gateway nor SDK. The rest
 * is drained so the keep-alive connection is reused, as the gateway's is.
 */
export async function directFirstText(baseUrl: string, body: unknown): Promise<{ t0: number; firstAt: number }> {
  const t0 = performance.now();
  const res = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer bench', [REPLAY_HEADER]: '1' },
    body: JSON.stringify(body),
  });
  if (!res.ok || !res.body) throw new Error(`direct request failed: HTTP ${res.status}`);
  const decoder = new TextDecoder();
  let buffered = '';
  let firstAt: number | undefined;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    if (firstAt !== undefined) continue;
    buffered += decoder.decode(chunk, { stream: true });
    let nl: number;
    while (firstAt === undefined && (nl = buffered.indexOf('\n\n')) >= 0) {
      const event = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 2);
      const data = event.startsWith('data: ') ? event.slice(6) : '';
      if (data === '' || data === '[DONE]') continue;
      const content = JSON.parse(data)?.choices?.[0]?.delta?.content;
      if (typeof content === 'string' && content !== '') firstAt = performance.now();
    }
  }
  if (firstAt === undefined) throw new Error('direct request: the stream carried no text');
  return { t0, firstAt };
}
