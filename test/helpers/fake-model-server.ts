import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake received: parsed JSON body (undefined when none or not JSON) and headers. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: any;
  readonly headers: IncomingHttpHeaders;
  readonly callIndex: number;
}

/** What the fake answers to one model call. */
export interface Reply {
  text?: string;
  toolCalls?: { id?: string; name: string; arguments: object }[];
  /** Split the text into this many deltas (default 1). */
  chunks?: number;
  /** Pause between stream events. */
  chunkDelayMs?: number;
  /** Pause before the first byte (status line included). */
  delayMs?: number;
  /** An error status; `body` is the raw error body (a default JSON error when absent). */
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** 200 with a body that is neither SSE nor JSON. */
  garbage?: true;
  /** A stream whose data line is not JSON. */
  badJson?: true;
  /** Stop the stream after the text, before its final events, and end the response cleanly. */
  truncate?: true;
  usage?: { input: number; output: number };
  /** Never answer; the socket closes when the client aborts or the server closes. */
  hang?: true;
}

/** The script deciding each reply. */
export type Script = (req: { body: any; headers: IncomingHttpHeaders; callIndex: number }) => Reply | Promise<Reply>;

/** A running fake: base URL for `baseUrl`, the requests so far, close. */
export interface FakeModelServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Writes one API's response for a reply (the part that differs between OpenAI and Anthropic). */
export type ReplyWriter = (res: ServerResponse, reply: Reply, req: RecordedRequest, signal: AbortSignal) => Promise<void>;

/** Routes of one fake API: a model call handler, and plain JSON GET routes. */
export interface FakeApi {
  readonly basePath: string;
  readonly modelPaths: readonly string[];
  readonly getRoutes: Readonly<Record<string, unknown>>;
  readonly write: ReplyWriter;
}

/** Start a fake model API on 127.0.0.1, port 0. */
export async function startFakeServer(api: FakeApi, script: Script): Promise<FakeModelServer> {
  const requests: RecordedRequest[] = [];
  let calls = 0;
  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `fake server: ${String(err)}`, type: 'fake_error' } }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let body: any;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && Object.hasOwn(api.getRoutes, path)) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(api.getRoutes[path]));
      return;
    }
    if (req.method !== 'POST' || !api.modelPaths.includes(path)) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${path}`, type: 'not_found' } }));
      return;
    }
    const recorded: RecordedRequest = { method: req.method, path, body, headers: req.headers, callIndex: calls++ };
    requests.push(recorded);
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const reply = await script({ body, headers: req.headers, callIndex: recorded.callIndex });
    if (reply.hang) return; // the socket stays open until the client gives up or close() destroys it
    if (reply.delayMs) await sleep(reply.delayMs, gone.signal);
    if (gone.signal.aborted) return;
    if (reply.status !== undefined && reply.status !== 200) {
      const text = reply.body ?? JSON.stringify({ error: { message: `fake error ${reply.status}`, type: 'fake_error' } });
      res.writeHead(reply.status, { 'content-type': looksJson(text) ? 'application/json' : 'text/plain', ...reply.headers });
      res.end(text);
      return;
    }
    if (reply.garbage) {
      res.writeHead(200, { 'content-type': 'text/html', ...reply.headers });
      res.end('<html><body>this is not an API</body></html>');
      return;
    }
    await api.write(res, reply, recorded, gone.signal);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${api.basePath}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Open an SSE response. */
export function startSse(res: ServerResponse, headers: Record<string, string> | undefined): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers });
  res.flushHeaders();
}

/** Write one SSE event (named when `event` is given), after the reply's chunk delay. */
export async function sendEvent(res: ServerResponse, data: unknown, reply: Reply, signal: AbortSignal, event?: string): Promise<void> {
  if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs, signal);
  if (signal.aborted) return;
  res.write(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
}

/** The reply's text split into `chunks` pieces, in order. */
export function splitText(text: string, chunks = 1): string[] {
  if (text === '') return [];
  const n = Math.max(1, Math.min(chunks, text.length));
  const size = Math.ceil(text.length / n);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Tool-call arguments as JSON, split in two pieces so clients must accumulate them. */
export function argumentPieces(args: object): string[] {
  const json = JSON.stringify(args);
  const mid = Math.floor(json.length / 2);
  return mid === 0 ? [json] : [json.slice(0, mid), json.slice(mid)];
}

/** The text of the last user message that has text (OpenAI string/parts, Anthropic string/blocks). */
export function lastUserText(body: any): string {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.content)) {
      const texts = m.content.filter((b: any) => b?.type === 'text').map((b: any) => String(b.text));
      if (texts.length > 0) return texts.join('');
    }
  }
  return '';
}

/** Answers `echo: <last user text>`. */
export const echoScript: Script = ({ body }) => ({ text: `echo: ${lastUserText(body)}` });

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function looksJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
