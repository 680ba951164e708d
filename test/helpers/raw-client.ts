import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { WebSocket } from 'ws';
import { deviceIdFromRawKey, publicKeyToWire, rawPublicKey } from '../../src/pairing/device-key.js';
import { buildV2Payload, buildV3Payload } from '../../src/protocol/device-signature.js';

/** A throwaway Ed25519 device for tests. */
export interface TestDevice {
  deviceId: string;
  publicKey: string;
  privateKey: KeyObject;
}

export function makeDevice(): TestDevice {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = rawPublicKey(publicKey.export({ type: 'spki', format: 'pem' }).toString())!;
  return { deviceId: deviceIdFromRawKey(raw), publicKey: publicKeyToWire(raw), privateKey };
}

export interface ConnectSpec {
  device?: TestDevice;
  role?: string;
  scopes?: string[];
  clientId?: string;
  clientMode?: string;
  platform?: string;
  auth?: { token?: string; deviceToken?: string; password?: string; bootstrapToken?: string };
  signature?: 'v3' | 'v2';
  /** Override fields after signing (to test rejections). */
  tamper?: (params: Record<string, unknown>) => void;
  signedAt?: number;
  nonce?: string;
  headers?: Record<string, string>;
  minProtocol?: number;
  maxProtocol?: number;
  /** Delay before answering the challenge. */
  delayMs?: number;
}

export interface ConnectOutcome {
  ws: WebSocket;
  response: { ok: boolean; payload?: any; error?: any } | undefined;
  challenge: any;
  /** Resolves when the socket closes: code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  /** Every frame received after the connect response. */
  frames: any[];
}

/** Build connect params exactly as a v3 client would, signed by spec.device. */
export function connectParams(spec: ConnectSpec, nonce: string): Record<string, unknown> {
  const role = spec.role ?? 'operator';
  const scopes = spec.scopes ?? [];
  const clientId = spec.clientId ?? 'test';
  const clientMode = spec.clientMode ?? 'test';
  const platform = spec.platform ?? 'linux';
  const params: Record<string, unknown> = {
    minProtocol: spec.minProtocol ?? 3,
    maxProtocol: spec.maxProtocol ?? 3,
    client: { id: clientId, mode: clientMode, version: 'test', platform },
    role,
    scopes,
    caps: [],
  };
  if (spec.auth) params['auth'] = spec.auth;
  if (spec.device) {
    const signedAt = spec.signedAt ?? Date.now();
    const n = spec.nonce ?? nonce;
    const fields = { deviceId: spec.device.deviceId, clientId, clientMode, role, scopes, signedAtMs: signedAt, token: spec.auth?.token ?? spec.auth?.deviceToken ?? spec.auth?.bootstrapToken ?? '', nonce: n, platform };
    const payload = spec.signature === 'v2' ? buildV2Payload(fields) : buildV3Payload(fields);
    params['device'] = { id: spec.device.deviceId, publicKey: spec.device.publicKey, signature: sign(null, Buffer.from(payload), spec.device.privateKey).toString('base64url'), signedAt, nonce: n };
  }
  spec.tamper?.(params);
  return params;
}

/** Open a socket, answer the challenge with a connect built from spec, and return what came back. */
export function rawConnect(url: string, spec: ConnectSpec = {}): Promise<ConnectOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: spec.headers ?? {} });
    const frames: any[] = [];
    let challenge: any;
    let settled = false;
    const closed = new Promise<{ code: number; reason: string }>((res) => ws.once('close', (code, reason) => res({ code, reason: reason.toString() })));
    const finish = (response: ConnectOutcome['response']) => {
      if (settled) return;
      settled = true;
      resolve({ ws, response, challenge, closed, frames });
    };
    ws.once('error', reject);
    void closed.then(() => finish(undefined));
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (!challenge && frame.type === 'event' && frame.event === 'connect.challenge') {
        challenge = frame;
        const send = () => ws.send(JSON.stringify({ type: 'req', id: 'c1', method: 'connect', params: connectParams(spec, frame.payload.nonce) }));
        if (spec.delayMs) setTimeout(send, spec.delayMs);
        else send();
        return;
      }
      if (frame.type === 'res' && frame.id === 'c1' && !settled) {
        finish(frame);
        return;
      }
      frames.push(frame);
    });
  });
}

/** Send one request on an open connection and wait for its response. */
export function rpc(ws: WebSocket, method: string, params?: unknown): Promise<any> {
  const id = `r${Math.random().toString(36).slice(2)}`;
  return new Promise((resolve, reject) => {
    const onClose = () => reject(new Error(`closed before response to ${method}`));
    const onMessage = (data: Buffer) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === 'res' && frame.id === id) {
        ws.off('message', onMessage);
        ws.off('close', onClose); // long-lived connections make many calls: no listener may pile up
        resolve(frame);
      }
    };
    ws.on('message', onMessage);
    ws.once('close', onClose);
    ws.send(JSON.stringify(params === undefined ? { type: 'req', id, method } : { type: 'req', id, method, params }));
  });
}
