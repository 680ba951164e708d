import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import pino from 'pino';
import { Secret } from '../auth/secret.js';
import { GatewayClient } from '../client/gateway-client.js';
import { health } from '../protocol/methods/gateway-info.js';
import { HANDSHAKE_TIMEOUT_MS } from '../protocol/limits.js';
import { startInProcess, type InProcessGateway } from '../../test/helpers/in-process.js';
import { makeDevice, rawConnect, rpc } from '../../test/helpers/raw-client.js';
import { HANDSHAKE_CLOSE_GRACE_MS, HTTP_DEADLINE_CHECK_INTERVAL_MS, HTTP_HEADERS_TIMEOUT_MS, HTTP_KEEP_ALIVE_IDLE_MS, HTTP_REQUEST_TIMEOUT_MS } from './limits.js';

/** Deadlines are asserted with room for a loaded machine: this many times the constant. */
const SLACK = 3;
/** Bound on any wait for something that follows at once (a close after an eviction, a log line). */
const PROMPT_MS = 5_000;

interface RawSocket {
  socket: Socket;
  closed: Promise<void>;
  isClosed(): boolean;
  received(): string;
}

/** A loopback TCP connection to the gateway that sends only what it is told to (nothing, by default). */
async function openRaw(t: TestContext, port: number, send?: string): Promise<RawSocket> {
  const socket = connect({ host: '127.0.0.1', port });
  let data = '';
  let isClosed = false;
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => (data += d));
  socket.on('error', () => undefined); // an evicted socket may see a reset
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  void closed.then(() => (isClosed = true));
  t.after(() => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  if (send) socket.write(send);
  return { socket, closed, isClosed: () => isClosed, received: () => data };
}

/** Resolve with `p`, or fail naming what did not happen within `ms`. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** GET /healthz; the status code. */
function healthz(port: number, agent: Agent | false = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', agent }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end();
  });
}

interface LogLine {
  level: number;
  msg: string;
  evicted?: number;
  refused?: number;
  timedOut?: number;
  cap?: number;
}

/** A gateway whose log lines are kept in `lines`. */
async function gatewayWithLog(t: TestContext, server: { maxConnections?: number; connectionLogWindowMs?: number } = {}): Promise<{ gw: InProcessGateway; lines: LogLine[] }> {
  const lines: LogLine[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  const gw = await startInProcess({ server: { log, ...server } });
  t.after(() => gw.close());
  return { gw, lines };
}

/** The summary lines that report evictions or refusals (warnings; deadline-only summaries are info). */
const capLines = (lines: LogLine[]) => lines.filter((l) => l.evicted !== undefined && l.level === pino.levels.values['warn']);

/** Poll `ok` until it holds, for at most `ms`. */
async function until(what: string, ok: () => boolean, ms = PROMPT_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('every phase before authentication has a deadline', { concurrency: true }, () => {
  test('a socket that never sends a byte is answered 408 and closed after the head deadline', async (t) => {
    const { gw } = await gatewayWithLog(t);
    const silent = await openRaw(t, gw.port);
    await within(silent.closed, (HTTP_HEADERS_TIMEOUT_MS + HTTP_DEADLINE_CHECK_INTERVAL_MS) * SLACK, 'closing a silent socket');
    assert.match(silent.received(), /^HTTP\/1\.1 408 /);
  });

  test('a request whose body never finishes arriving is closed after the request deadline', async (t) => {
    const { gw } = await gatewayWithLog(t);
    const trickle = await openRaw(t, gw.port, 'POST /anything HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nab');
    await within(trickle.closed, (HTTP_REQUEST_TIMEOUT_MS + HTTP_DEADLINE_CHECK_INTERVAL_MS) * SLACK, 'closing a request with an unfinished body');
  });

  test('a keep-alive socket idle after its request is closed after the idle deadline', async (t) => {
    const { gw } = await gatewayWithLog(t);
    const idle = await openRaw(t, gw.port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await within(idle.closed, HTTP_KEEP_ALIVE_IDLE_MS * SLACK, 'closing an idle keep-alive socket');
    assert.match(idle.received(), /^HTTP\/1\.1 200 /);
  });

  // The deadline is HANDSHAKE_TIMEOUT_MS (10 s): a slow client inside it is not cut.
  test('PD-OPAQUE-CLOSE: a client that answers the challenge 8 s late still connects', { timeout: 20_000 }, async (t) => {
    const { gw } = await gatewayWithLog(t);
    const { ws, response } = await rawConnect(gw.url, { device: makeDevice(), auth: { token: gw.token! }, delayMs: 8_000 });
    assert.equal(response?.ok, true);
    ws.close();
  });

  test('an upgraded socket that never sends connect, nor answers the close, is cut after the handshake deadline', async (t) => {
    const { gw, lines } = await gatewayWithLog(t, { connectionLogWindowMs: 200 });
    const upgrade = ['GET / HTTP/1.1', `Host: 127.0.0.1:${gw.port}`, 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13', '', ''].join('\r\n');
    const mute = await openRaw(t, gw.port, upgrade);
    await within(mute.closed, (HANDSHAKE_TIMEOUT_MS + HANDSHAKE_CLOSE_GRACE_MS) * SLACK, 'cutting a mute upgraded socket');
    assert.match(mute.received(), /^HTTP\/1\.1 101 /);
    assert.match(mute.received(), /connect\.challenge/);
    await until('the deadline summary', () => lines.some((l) => (l.timedOut ?? 0) >= 1));
  });
});

test('at the cap, the oldest silent sockets make room for /healthz and the owner client', async (t) => {
  const cap = 8;
  const { gw, lines } = await gatewayWithLog(t, { maxConnections: cap, connectionLogWindowMs: 200 });
  const silent: RawSocket[] = [];
  for (let i = 0; i < cap; i++) silent.push(await openRaw(t, gw.port));

  // Keep-alive, so the probe's socket stays (idle) and the client below must evict one more stranger.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  assert.equal(await healthz(gw.port, agent), 200);

  const client = new GatewayClient({ url: gw.url, gatewayToken: new Secret(gw.token!), scopes: ['operator.read'], validateResults: true });
  t.after(() => client.close());
  await client.connect();
  const result = await client.call(health);
  assert.equal(result.ok, true);

  await within(Promise.all([silent[0]!.closed, silent[1]!.closed]), PROMPT_MS, 'evicting the two oldest silent sockets');
  assert.deepEqual(
    silent.map((s) => s.isClosed()),
    [true, true, false, false, false, false, false, false],
    'only the oldest were evicted',
  );
  await until('the eviction summary', () => capLines(lines).length > 0);
  assert.equal(capLines(lines)[0]!.evicted, 2);
});

test('authenticated sessions survive a flood; when only sessions are left, strangers are refused', async (t) => {
  const cap = 4;
  const { gw, lines } = await gatewayWithLog(t, { maxConnections: cap, connectionLogWindowMs: 200 });
  const owner = { auth: { token: gw.token! }, scopes: ['operator.read'] };
  const sessions = [await rawConnect(gw.url, owner), await rawConnect(gw.url, owner)];
  for (const s of sessions) t.after(() => s.ws.terminate());

  const FLOOD = cap * 5;
  for (let i = 0; i < FLOOD; i++) await openRaw(t, gw.port);
  for (const s of sessions) assert.equal((await rpc(s.ws, 'health')).ok, true);

  // Fill the rest of the cap with sessions: nothing left to evict.
  while (sessions.length < cap) {
    const s = await rawConnect(gw.url, owner);
    t.after(() => s.ws.terminate());
    assert.equal(s.response?.ok, true);
    sessions.push(s);
  }
  const stranger = await openRaw(t, gw.port);
  await within(stranger.closed, PROMPT_MS, 'refusing a stranger at a cap full of sessions');
  for (const s of sessions) assert.equal((await rpc(s.ws, 'health')).ok, true, 'every session still answers');

  await until('the refusal summary', () => capLines(lines).reduce((n, l) => n + (l.refused ?? 0), 0) === 1);
  const evicted = capLines(lines).reduce((n, l) => n + (l.evicted ?? 0), 0);
  assert.ok(evicted >= FLOOD - cap, `the flood evicted its own oldest sockets (${evicted})`);
});

test('evictions are logged as one summary line per window with counts, not one line per socket', async (t) => {
  const cap = 4;
  const WINDOW_MS = 2_000;
  const { gw, lines } = await gatewayWithLog(t, { maxConnections: cap, connectionLogWindowMs: WINDOW_MS });
  const flood = async (n: number) => {
    for (let i = 0; i < n; i++) await openRaw(t, gw.port);
  };

  await flood(cap + 20);
  await until('the first summary', () => capLines(lines).length === 1, WINDOW_MS + PROMPT_MS);
  assert.equal(capLines(lines)[0]!.evicted, 20);
  assert.equal(capLines(lines)[0]!.refused, 0);
  assert.equal(capLines(lines)[0]!.cap, cap);

  await flood(10);
  await until('the second summary', () => capLines(lines).length === 2, WINDOW_MS + PROMPT_MS);
  assert.equal(capLines(lines)[1]!.evicted, 10);
});
