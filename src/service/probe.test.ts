import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { probeEndpoint, probeHealthz } from './probe.js';

const THIS_INSTALL = 'a1b2c3d4e5f60718';
const OTHER_INSTALL = 'ffffeeeeddddcccc';

/** Listen on a loopback port 0; when the test ends, drop the connections left open and close. */
async function listen(t: TestContext, server: Server): Promise<number> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.after(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return (server.address() as AddressInfo).port;
}

/** A real HTTP server on port 0 answering every request with handler; it records the request headers. */
async function httpServer(t: TestContext, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ port: number; headers: IncomingHttpHeaders[]; paths: string[] }> {
  const headers: IncomingHttpHeaders[] = [];
  const paths: string[] = [];
  const server = createHttpServer((req, res) => {
    headers.push(req.headers);
    paths.push(req.url ?? '');
    handler(req, res);
  });
  return { port: await listen(t, server), headers, paths };
}

const healthz = (stateDirId: string, over: Record<string, unknown> = {}) => ({ ok: true, version: '0.1.0', pid: 4242, uptimeMs: 1500, stateDirId, ...over });
const json = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** A loopback port nobody listens on (taken from the OS, then released). */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

test('a healthy gateway: GET /healthz, its pid, state-dir id, version, whole answer and clock; no credential sent', async (t) => {
  const { port, headers, paths } = await httpServer(t, json(200, healthz(THIS_INSTALL)));
  const p = await probeEndpoint('127.0.0.1', port);
  assert.equal(p.listening, true);
  assert.equal(p.clawgate, true);
  assert.equal(p.pid, 4242);
  assert.equal(p.stateDirId, THIS_INSTALL);
  assert.equal(p.version, '0.1.0');
  assert.deepEqual(p.info, healthz(THIS_INSTALL));
  assert.equal(p.note, undefined);
  assert.equal(typeof p.remoteDateMs, 'number', 'the HTTP Date header is read');
  assert.ok(Math.abs(p.remoteDateMs! - p.localMidMs) < 60_000, 'both clocks are of this machine');
  assert.deepEqual(paths, ['/healthz']);
  assert.equal(headers[0]!['authorization'], undefined);
  assert.equal(headers[0]!['cookie'], undefined);
  assert.deepEqual(await probeHealthz(port), healthz(THIS_INSTALL));
});

test('another install answers: it is a Clawgate gateway, and its own state-dir id says it is not ours', async (t) => {
  const { port } = await httpServer(t, json(200, healthz(OTHER_INSTALL, { pid: 777 })));
  const p = await probeEndpoint('127.0.0.1', port);
  assert.equal(p.clawgate, true);
  assert.equal(p.stateDirId, OTHER_INSTALL);
  assert.equal(p.pid, 777);
  assert.equal((await probeHealthz(port))?.stateDirId, OTHER_INSTALL);
});

test('a Clawgate gateway answering non-200 is recognized but gives no healthy answer', async (t) => {
  const { port } = await httpServer(t, json(503, healthz(THIS_INSTALL)));
  const p = await probeEndpoint('127.0.0.1', port);
  assert.equal(p.clawgate, true);
  assert.equal(p.stateDirId, THIS_INSTALL);
  assert.equal(p.info, undefined);
  assert.equal(await probeHealthz(port), undefined);
});

test('another HTTP program on the port: listening, not Clawgate, and the status is named', async (t) => {
  for (const [status, body] of [[404, 'Not Found'], [200, JSON.stringify({ ok: true })], [200, JSON.stringify({ ok: 'yes', stateDirId: THIS_INSTALL })]] as const) {
    const { port } = await httpServer(t, (_req, res) => {
      res.writeHead(status);
      res.end(body);
    });
    const p = await probeEndpoint('127.0.0.1', port);
    assert.equal(p.listening, true);
    assert.equal(p.clawgate, false);
    assert.equal(p.note, `answered HTTP ${status} but not as a Clawgate gateway`);
    assert.equal(await probeHealthz(port), undefined);
  }
});

test('nothing listening: refused, not listening, no note', async () => {
  const port = await closedPort();
  const p = await probeEndpoint('127.0.0.1', port);
  assert.deepEqual({ listening: p.listening, clawgate: p.clawgate, note: p.note }, { listening: false, clawgate: false, note: undefined });
  assert.equal(await probeHealthz(port), undefined);
});

test('a program that accepts and never answers: the probe ends at its timeout, listening but silent', async (t) => {
  const port = await listen(t, createTcpServer());
  const p = await probeEndpoint('127.0.0.1', port, 300);
  assert.equal(p.listening, true);
  assert.equal(p.clawgate, false);
  assert.equal(p.note, 'did not answer HTTP within 300 ms');
  assert.equal(await probeHealthz(port, 300), undefined);
});

test('a program that does not speak HTTP: listening, not Clawgate, the parser error named', async (t) => {
  const server = createTcpServer((s) => s.end('SSH-2.0-OpenSSH_9.2\r\n'));
  const port = await listen(t, server);
  const p = await probeEndpoint('127.0.0.1', port);
  assert.equal(p.listening, true);
  assert.equal(p.clawgate, false);
  assert.match(p.note ?? '', /^does not speak HTTP \(HPE_[A-Z_]+\)$/);
});

test('a huge answer is read only up to a bound and is not taken for a gateway', async (t) => {
  const { port } = await httpServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...healthz(THIS_INSTALL), padding: 'x'.repeat(100_000) }));
  });
  const p = await probeEndpoint('127.0.0.1', port);
  assert.equal(p.listening, true);
  assert.equal(p.clawgate, false, 'a cut-off body does not parse');
});
