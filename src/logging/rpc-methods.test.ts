import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { Secret } from '../auth/secret.js';
import { statePathsOf } from '../config/paths.js';
import { effectiveGateway } from '../config/schema.js';
import { startGatewayServer, type GatewayServer } from '../gateway/server.js';
import { Store } from '../store/store.js';
import { makeStateDir, randomToken } from '../../test/helpers/gateway-process.js';
import { makeDevice, rawConnect, rpc } from '../../test/helpers/raw-client.js';
import { createGatewayLogger, type GatewayLogger } from './logger.js';
import { localDateKey, logFileName } from './log-files.js';

// An in-process gateway with the real logger, so the lines come from the gateway's own events.
const token = randomToken();
const stateDir = makeStateDir();
const paths = statePathsOf(stateDir);
let store: Store;
let logger: GatewayLogger;
let server: GatewayServer;
let url: string;

before(async () => {
  store = Store.open(paths.dbPath);
  logger = createGatewayLogger({ logsDir: paths.logsDir, consoleLevel: 'silent', secrets: () => [token] });
  server = await startGatewayServer({ store, paths, config: { ...effectiveGateway({}), port: 0 }, gatewayToken: { secret: new Secret(token), source: 'config' }, log: logger.log });
  url = `ws://127.0.0.1:${server.port}`;
});
after(async () => {
  await server.close();
  store.close();
  logger.close();
});

async function reader(scopes = ['operator.read']) {
  const { ws, response } = await rawConnect(url, { auth: { token }, scopes });
  assert.equal(response?.ok, true, JSON.stringify(response?.error));
  return ws;
}

test('logs.tail returns the gateway’s own lines: handshake rejections with code and address, pairing decisions', async () => {
  const wrong = await rawConnect(url, { auth: { token: randomToken() } });
  assert.equal(wrong.response?.error?.details?.code, 'AUTH_TOKEN_MISMATCH');
  const device = makeDevice();
  const paired = await rawConnect(url, { device, auth: { token }, scopes: ['operator.read'] });
  assert.equal(paired.response?.ok, true);
  paired.ws.close();
  const pending = await rawConnect(url, { device: makeDevice(), scopes: ['operator.read'] });
  assert.equal(pending.response?.error?.details?.code, 'PAIRING_REQUIRED');

  const ws = await reader();
  const res = await rpc(ws, 'logs.tail', { limit: 50 });
  ws.close();
  assert.equal(res.ok, true, JSON.stringify(res.error));
  const lines: Array<Record<string, any>> = res.payload.lines;
  const rejected = lines.find((l) => l['msg'] === 'handshake rejected' && l['code'] === 'AUTH_TOKEN_MISMATCH');
  assert.ok(rejected, JSON.stringify(lines));
  assert.equal(rejected['remote'], '127.0.0.1');
  assert.equal(rejected['level'], 'info');
  const auto = lines.find((l) => l['msg'] === 'pairing auto-approved');
  assert.equal(auto?.['deviceId'], device.deviceId, 'device ids stay whole');
  assert.ok(lines.some((l) => l['msg'] === 'pairing request pending'));
  assert.ok(lines.some((l) => l['msg'] === 'handshake rejected' && l['code'] === 'PAIRING_REQUIRED' && typeof l['requestId'] === 'string'));
  assert.equal(typeof res.payload.cursor, 'string');
  assert.ok(!JSON.stringify(lines).includes(token));
});

test('logs.tail follows with the cursor and filters by level', async () => {
  const ws = await reader();
  const first = await rpc(ws, 'logs.tail', { limit: 1 });
  assert.equal(first.payload.lines.length, 1);
  logger.log.warn({ n: 1 }, 'follow me');
  logger.log.info({ n: 2 }, 'and me');
  const next = await rpc(ws, 'logs.tail', { cursor: first.payload.cursor });
  // The reader's own connect lines may be there too; ours come in order.
  const msgs = next.payload.lines.map((l: any) => l.msg).filter((m: string) => m === 'follow me' || m === 'and me');
  assert.deepEqual(msgs, ['follow me', 'and me']);
  const again = await rpc(ws, 'logs.tail', { cursor: next.payload.cursor });
  assert.ok(!again.payload.lines.some((l: any) => l.msg === 'follow me'));
  const warn = await rpc(ws, 'logs.tail', { level: 'warn', limit: 1000 });
  assert.ok(warn.payload.lines.length >= 1);
  assert.ok(warn.payload.lines.every((l: any) => l.level === 'warn' || l.level === 'error' || l.level === 'fatal'));
  ws.close();
});

test('logs.tail scrubs again on the way out (a line written before redaction existed)', async () => {
  appendFileSync(join(paths.logsDir, logFileName(localDateKey(Date.now()))), `${JSON.stringify({ level: 'info', msg: `legacy ${token}` })}\n`);
  const ws = await reader();
  const res = await rpc(ws, 'logs.tail', { limit: 1000 });
  ws.close();
  const text = JSON.stringify(res.payload.lines);
  assert.ok(text.includes('legacy [redacted]'));
  assert.ok(!text.includes(token));
});

test('logs.tail needs operator.read and valid params (stable codes)', async () => {
  const none = await reader([]);
  const denied = await rpc(none, 'logs.tail', {});
  none.close();
  assert.equal(denied.error.details.code, 'MISSING_SCOPE');
  const ws = await reader();
  for (const params of [{ limit: 0 }, { limit: 1001 }, { level: 'loud' }, { cursor: 'x'.repeat(65) }, { extra: 1 }]) {
    const res = await rpc(ws, 'logs.tail', params);
    assert.equal(res.error?.details?.code, 'INVALID_PARAMS', JSON.stringify(params));
  }
  const forged = await rpc(ws, 'logs.tail', { cursor: '../state.db@0' });
  assert.equal(forged.error?.details?.code, 'INVALID_PARAMS');
  ws.close();
});
