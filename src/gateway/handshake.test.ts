import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startInProcess, type InProcessGateway } from '../../test/helpers/in-process.js';
import { makeDevice, rawConnect, rpc } from '../../test/helpers/raw-client.js';

let gw: InProcessGateway;
before(async () => {
  gw = await startInProcess();
});
after(async () => {
  await gw.close();
});

function openRaw(): Promise<{ ws: WebSocket; first: any; closed: Promise<{ code: number; reason: string }>; next: () => Promise<any> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(gw.url);
    const queue: any[] = [];
    const waiters: ((f: any) => void)[] = [];
    const closed = new Promise<{ code: number; reason: string }>((res) => ws.once('close', (code, r) => res({ code, reason: r.toString() })));
    ws.on('message', (d) => {
      const f = JSON.parse(d.toString());
      const w = waiters.shift();
      if (w) w(f);
      else queue.push(f);
    });
    const next = () => new Promise<any>((res) => (queue.length ? res(queue.shift()) : waiters.push(res)));
    ws.once('error', reject);
    ws.once('open', async () => resolve({ ws, first: await next(), closed, next }));
  });
}

describe('handshake', () => {
  test('the challenge comes first, with a uuid nonce, a ts and no seq', async () => {
    const { ws, first } = await openRaw();
    assert.equal(first.type, 'event');
    assert.equal(first.event, 'connect.challenge');
    assert.match(first.payload.nonce, /^[0-9a-f-]{36}$/);
    assert.equal(typeof first.payload.ts, 'number');
    assert.equal(first.seq, undefined);
    ws.close();
  });

  test('unparseable JSON before the handshake gets a plain close 1000', async () => {
    const { ws, closed } = await openRaw();
    ws.send('{nope');
    assert.equal((await closed).code, 1000);
  });

  test('a non-request frame closes 1008 "invalid request frame"', async () => {
    const { ws, closed } = await openRaw();
    ws.send(JSON.stringify({ type: 'event', event: 'x' }));
    assert.deepEqual(await closed, { code: 1008, reason: 'invalid request frame' });
  });

  test('a first request other than connect gets an error response, then close 1008', async () => {
    const { ws, closed, next } = await openRaw();
    ws.send(JSON.stringify({ type: 'req', id: 'a', method: 'health' }));
    const res = await next();
    assert.deepEqual(Object.keys(res).sort(), ['error', 'id', 'ok', 'type']);
    assert.equal(res.error.code, 'INVALID_REQUEST');
    assert.equal(res.error.details.code, 'HANDSHAKE_REQUIRED');
    assert.deepEqual(await closed, { code: 1008, reason: 'invalid handshake: first request must be connect' });
  });

  test('UM-VERSION-SKEW: a protocol-4-only client learns both versions, close 1002', async () => {
    const device = makeDevice();
    const { response, closed } = await rawConnect(gw.url, { device, minProtocol: 4, maxProtocol: 4 });
    assert.equal(response?.error.code, 'INVALID_REQUEST');
    assert.equal(response?.error.details.code, 'PROTOCOL_MISMATCH');
    assert.equal(response?.error.details.expectedProtocol, 3);
    assert.match(response?.error.message, /protocol 3.*4/);
    assert.deepEqual(await closed, { code: 1002, reason: 'protocol mismatch' });
    assert.equal(gw.store.pending.count(Date.now()), 0, 'no pairing state touched');
  });

  test('invalid connect params name the field', async () => {
    const { response, closed } = await rawConnect(gw.url, { tamper: (p) => ((p['client'] as any).id = 42) });
    assert.equal(response?.error.details.code, 'INVALID_CONNECT_PARAMS');
    assert.match(response?.error.message, /^invalid connect params: .*client\/id/);
    assert.equal((await closed).code, 1008);
  });

  test('an unknown role is refused', async () => {
    const { response, closed } = await rawConnect(gw.url, { role: 'root', auth: { token: gw.token! } });
    assert.equal(response?.error.details.code, 'INVALID_ROLE');
    assert.deepEqual(await closed, { code: 1008, reason: 'invalid role' });
  });

  for (const [name, spec, reason, message] of [
    ['id mismatch', { tamper: (p: any) => (p.device.id = 'f'.repeat(64)) }, 'device-id-mismatch', 'device identity mismatch'],
    ['nonce mismatch', { nonce: 'other-nonce' }, 'device-nonce-mismatch', 'device nonce mismatch'],
    ['bad signature', { tamper: (p: any) => (p.scopes = ['operator.admin']) }, 'device-signature', 'device signature invalid'],
    ['bad public key', { tamper: (p: any) => (p.device.publicKey = 'AAAA') }, 'device-public-key', 'device public key invalid'],
  ] as const) {
    test(`device auth: ${name}`, async () => {
      const { response, closed } = await rawConnect(gw.url, { device: makeDevice(), ...spec } as any);
      assert.equal(response?.error.code, 'INVALID_REQUEST');
      assert.equal(response?.error.details.code, 'DEVICE_AUTH_INVALID');
      assert.equal(response?.error.details.reason, reason);
      assert.equal(response?.error.message, message);
      assert.deepEqual(await closed, { code: 1008, reason: message });
    });
  }

  test('device-less without token: device identity required (NOT_PAIRED)', async () => {
    const { response, closed } = await rawConnect(gw.url, {});
    assert.equal(response?.error.code, 'NOT_PAIRED');
    assert.equal(response?.error.details.code, 'DEVICE_IDENTITY_REQUIRED');
    assert.deepEqual(await closed, { code: 1008, reason: 'device identity required' });
  });

  test('device-less with a wrong token: gateway token mismatch', async () => {
    const { response } = await rawConnect(gw.url, { auth: { token: 'wrong' }, clientMode: 'cli' });
    assert.equal(response?.error.details.code, 'AUTH_TOKEN_MISMATCH');
    assert.equal(response?.error.message, 'unauthorized: gateway token mismatch (set gateway.remote.token to match gateway.auth.token)');
  });

  test('device-less on loopback with the token keeps its scopes; nothing is paired', async () => {
    const { ws, response } = await rawConnect(gw.url, { auth: { token: gw.token! }, scopes: ['operator.read'] });
    assert.equal(response?.ok, true);
    assert.equal(response?.payload.type, 'hello-ok');
    assert.equal(response?.payload.auth, undefined);
    const status = await rpc(ws, 'status');
    assert.equal(status.ok, true);
    assert.equal(gw.store.devices.count(), 0);
    ws.close();
  });

  test("an older client's device token in auth.token connects; anything else there is a wrong gateway token", async () => {
    const device = makeDevice();
    const first = await rawConnect(gw.url, { device, auth: { token: gw.token! }, scopes: ['operator.read'] });
    const token: string = first.response?.payload.auth.deviceToken;
    first.ws.close();
    const confirm = await rawConnect(gw.url, { device, auth: { deviceToken: token }, scopes: ['operator.read'] });
    assert.equal(confirm.response?.ok, true, JSON.stringify(confirm.response?.error));
    confirm.ws.close();

    const legacy = await rawConnect(gw.url, { device, auth: { token }, scopes: ['operator.read'] });
    assert.equal(legacy.response?.ok, true, JSON.stringify(legacy.response?.error));
    assert.equal(legacy.response?.payload.auth, undefined, 'its token stands: nothing minted');
    legacy.ws.close();

    for (const auth of [{ token: 'wrong' }, { token: 'wrong', deviceToken: token }]) {
      const { response, closed } = await rawConnect(gw.url, { device, auth, scopes: ['operator.read'] });
      assert.equal(response?.error.details.code, 'AUTH_TOKEN_MISMATCH', JSON.stringify(auth));
      assert.equal(response?.error.message, 'unauthorized: gateway token mismatch (provide gateway auth token)');
      assert.equal((await closed).code, 1008);
    }
    assert.equal(gw.store.pending.forDevice(device.deviceId, Date.now()), undefined, 'no pairing request');
  });

  test('hello-ok has exactly the documented keys; a v2 signature is accepted and a token minted', async () => {
    const device = makeDevice();
    const { ws, response } = await rawConnect(gw.url, { device, auth: { token: gw.token! }, scopes: ['operator.admin'], signature: 'v2' });
    assert.equal(response?.ok, true);
    const hello = response!.payload;
    assert.deepEqual(Object.keys(hello).sort(), ['auth', 'features', 'policy', 'protocol', 'server', 'snapshot', 'type']);
    assert.deepEqual(hello.policy, { maxPayload: 26214400, maxBufferedBytes: 52428800, tickIntervalMs: 30000 });
    assert.equal(hello.protocol, 3);
    assert.match(hello.auth.deviceToken, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(hello.auth.role, 'operator');
    ws.close();
  });

  test('after the handshake: unknown method, bad params, missing scope, repeated connect', async () => {
    const device = makeDevice();
    const { ws } = await rawConnect(gw.url, { device, auth: { token: gw.token! }, scopes: ['operator.read'] });
    const unknown = await rpc(ws, 'no.such.method', {});
    assert.equal(unknown.error.details.code, 'UNKNOWN_METHOD');
    assert.equal(unknown.error.message, 'unknown method: no.such.method');
    const scope = await rpc(ws, 'device.pair.list', {});
    assert.equal(scope.error.details.code, 'MISSING_SCOPE');
    assert.match(scope.error.message, /^missing scope: operator\.pairing/);
    const params = await rpc(ws, 'status', { extra: 1 });
    assert.equal(params.error.details.code, 'INVALID_PARAMS');
    assert.match(params.error.message, /^invalid status params/);
    const again = await rpc(ws, 'connect', {});
    assert.equal(again.error.details.code, 'CONNECT_REPEATED');
    const health = await rpc(ws, 'health');
    assert.equal(health.ok, true);
    ws.close();
  });

  test('a bad frame after the handshake with an id gets an error response; without an id, close 1008', async () => {
    const device = makeDevice();
    const { ws, closed } = await rawConnect(gw.url, { device, auth: { token: gw.token! } });
    const res = await new Promise<any>((resolve) => {
      ws.once('message', (d) => resolve(JSON.parse(d.toString())));
      ws.send(JSON.stringify({ type: 'req', id: 'x1', method: 'health', extra: true }));
    });
    assert.equal(res.id, 'x1');
    assert.equal(res.error.details.code, 'INVALID_FRAME');
    ws.send('not json');
    assert.deepEqual(await closed, { code: 1008, reason: 'invalid request frame: malformed JSON' });
  });

  test('/healthz answers JSON; other paths 404 JSON', async () => {
    const ok = await fetch(`http://127.0.0.1:${gw.port}/healthz`);
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as any;
    assert.equal(body.ok, true);
    assert.equal(body.protocol, 3);
    const missing = await fetch(`http://127.0.0.1:${gw.port}/nope`);
    assert.equal(missing.status, 404);
  });

  test('an oversized frame closes the socket with 1009', async () => {
    const { ws, closed } = await openRaw();
    ws.send('x'.repeat(26_214_401));
    assert.equal((await closed).code, 1009);
  });
});
