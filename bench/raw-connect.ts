/** A minimal protocol-v3 client for load: challenge -> (signed) connect -> hello-ok, with exact failures. */
import { sign, type KeyObject } from 'node:crypto';
import { WebSocket } from 'ws';
import { buildV2Payload, buildV3Payload } from '../src/protocol/device-signature.js';
import { makeDevice as makeTestDevice } from '../test/helpers/raw-client.js';

export interface BenchDevice {
  deviceId: string;
  publicKey: string;
  privateKey: KeyObject;
  /** Device token from hello-ok.auth once paired. */
  deviceToken?: string;
}

/** A fresh Ed25519 device (the test helper's), which a paired bench client extends with its token. */
export function makeDevice(): BenchDevice {
  return makeTestDevice();
}

export interface ConnectOptions {
  gatewayToken?: string;
  device?: BenchDevice;
  scopes?: string[];
}

export interface Connected {
  ws: WebSocket;
  hello: any;
  /** ms from new WebSocket() to the hello-ok frame. */
  latencyMs: number;
}

let CLIENT = { id: 'bench', mode: 'probe', version: '0.0.0', platform: 'linux' };
let SIGNATURE: 'v2' | 'v3' = 'v3';

/** Present another client id/mode and signature payload version (bench:compare needs ids and v2 signatures openclaw accepts). */
export function configureBenchClient(o: { id: string; mode: string; signature: 'v2' | 'v3' }): void {
  CLIENT = { ...CLIENT, id: o.id, mode: o.mode };
  SIGNATURE = o.signature;
}

function params(o: ConnectOptions, nonce: string): Record<string, unknown> {
  const role = 'operator';
  const scopes = o.scopes ?? [];
  const p: Record<string, unknown> = { minProtocol: 3, maxProtocol: 3, client: CLIENT, role, scopes, caps: [] };
  const auth = o.device?.deviceToken ? { deviceToken: o.device.deviceToken } : o.gatewayToken ? { token: o.gatewayToken } : undefined;
  if (auth) p['auth'] = auth;
  if (o.device) {
    const d = o.device;
    const signedAt = Date.now();
    const token = 'token' in (auth ?? {}) ? o.gatewayToken! : (d.deviceToken ?? '');
    const payload = (SIGNATURE === 'v2' ? buildV2Payload : buildV3Payload)({ deviceId: d.deviceId, clientId: CLIENT.id, clientMode: CLIENT.mode, role, scopes, signedAtMs: signedAt, token, nonce, platform: CLIENT.platform });
    p['device'] = { id: d.deviceId, publicKey: d.publicKey, signature: sign(null, Buffer.from(payload), d.privateKey).toString('base64url'), signedAt, nonce };
  }
  return p;
}

/** Open one socket and complete the handshake; rejects with the gateway's error code or the close code/reason. */
export function connect(url: string, o: ConnectOptions, timeoutMs = 10_000): Promise<Connected> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.terminate();
      reject(new Error(why));
    };
    const timer = setTimeout(() => fail(`handshake timeout after ${timeoutMs} ms`), timeoutMs);
    ws.on('error', (e: NodeJS.ErrnoException) => fail(`socket error ${e.code ?? ''} ${e.message}`));
    ws.on('close', (code, reason) => fail(`closed ${code} ${reason.toString()}`));
    ws.on('message', (data) => {
      if (settled) return;
      const frame = JSON.parse(data.toString());
      if (frame.type === 'event' && frame.event === 'connect.challenge') {
        ws.send(JSON.stringify({ type: 'req', id: 'c', method: 'connect', params: params(o, frame.payload.nonce) }));
      } else if (frame.type === 'res' && frame.id === 'c') {
        if (!frame.ok) return fail(`connect refused ${frame.error?.code}: ${frame.error?.message}`);
        settled = true;
        clearTimeout(timer);
        ws.removeAllListeners('message');
        ws.removeAllListeners('close');
        resolve({ ws, hello: frame.payload, latencyMs: performance.now() - t0 });
      }
    });
  });
}

/** Close normally and wait for the closing handshake (terminate after 2 s). */
export function closeAndWait(ws: WebSocket): Promise<void> {
  if (ws.readyState === ws.CLOSED) return Promise.resolve();
  return new Promise((res) => {
    const t = setTimeout(() => ws.terminate(), 2000);
    ws.once('close', () => {
      clearTimeout(t);
      res();
    });
    ws.close(1000);
  });
}
