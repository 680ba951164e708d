import { buildV3Payload } from '../../src/protocol/device-signature.js';
import { ClawgateError, isErrorCode } from '../../src/protocol/error-catalogue.js';
import type { ConnectParams, HelloOk } from '../../src/protocol/connect-params.js';
import { PROTOCOL_VERSION } from '../../src/protocol/limits.js';
import type { MethodDef, ParamsOf, ResultOf } from '../../src/protocol/methods/define.js';
import { saveDeviceToken, signPayload, type BrowserIdentity, type StoredDeviceToken } from './identity.js';

declare const __CLAWGATE_VERSION__: string;

/** What the dashboard asks for: it approves devices and reads everything, so the owner's full scope. */
export const DASHBOARD_SCOPES = ['operator.admin'] as const;
const CLIENT_ID = 'openclaw-control-ui';
const CLIENT_MODE = 'ui';
const PLATFORM = 'web';
const TIMEOUT_MS = 10_000;

/** An event frame as it arrives. */
export interface GatewayEvent {
  event: string;
  payload?: unknown;
}

interface Pending {
  resolve: (payload: unknown) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

interface ErrorShape {
  code: string;
  message: string;
  details?: unknown;
}

/** The gateway's error, with its stable code, and its message exactly as sent (it names the command to run). */
function errorOf(shape: ErrorShape): ClawgateError {
  const details = typeof shape.details === 'object' && shape.details !== null ? (shape.details as Record<string, unknown>) : {};
  const code = isErrorCode(details['code']) ? details['code'] : shape.code === 'NOT_PAIRED' ? 'PAIRING_REQUIRED' : 'INVALID_PARAMS';
  return new ClawgateError(code, shape.message, { ...details, wireCode: shape.code });
}

/**
 * How this browser proves itself: the pasted gateway token or a `clawgate dashboard` link's single-use code
 * (first contact), and/or its cached device token.
 */
export interface Credentials {
  gatewayToken?: string | undefined;
  bootstrapCode?: string | undefined;
  deviceToken?: StoredDeviceToken | undefined;
}

/**
 * One socket to the gateway that served this page, mirroring src/client/gateway-client.ts: challenge,
 * v3-signed connect, hello-ok (a minted device token is saved before the connection is used), then
 * typed calls by their shared definitions, and events.
 */
export class GatewayConnection {
  #ws: WebSocket | undefined;
  #pending = new Map<string, Pending>();
  #listeners = new Set<(e: GatewayEvent) => void>();
  #closeListeners = new Set<(code: number, reason: string) => void>();
  #hello: HelloOk | undefined;

  constructor(
    readonly url: string,
    readonly identity: BrowserIdentity,
  ) {}

  get hello(): HelloOk | undefined {
    return this.#hello;
  }

  /** Listen to events; returns the unsubscribe. */
  onEvent(fn: (e: GatewayEvent) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Called once when an established connection closes. */
  onClose(fn: (code: number, reason: string) => void): void {
    this.#closeListeners.add(fn);
  }

  /** Open and complete the handshake; rejects with the gateway's exact error. The credentials are not kept. */
  connect(creds: Credentials): Promise<HelloOk> {
    return new Promise<HelloOk>((resolve, reject) => {
      let settled = false;
      let connectError: ClawgateError | undefined;
      const ws = new WebSocket(this.url);
      this.#ws = ws;
      const connectId = crypto.randomUUID();
      const done = (err: Error | undefined, hello?: HelloOk) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) {
          reject(err);
          ws.close();
        } else resolve(hello!);
      };
      const timer = setTimeout(() => done(new ClawgateError('GATEWAY_TIMEOUT', `gateway timeout after ${TIMEOUT_MS}ms while connecting to ${this.url}`)), TIMEOUT_MS);
      ws.onerror = () => done(new ClawgateError('GATEWAY_UNREACHABLE', `cannot reach the gateway at ${this.url}; on the host, start it with: clawgate gateway run`));
      ws.onclose = (ev) => {
        done(connectError ?? new ClawgateError('GATEWAY_CLOSED', `gateway closed (${ev.code}): ${ev.reason || 'no reason'}`, { closeCode: ev.code, closeReason: ev.reason }));
        for (const p of this.#pending.values()) {
          clearTimeout(p.timer);
          p.reject(new ClawgateError('GATEWAY_CLOSED', `gateway closed (${ev.code}): ${ev.reason || 'no reason'}`));
        }
        this.#pending.clear();
        if (this.#hello) for (const fn of this.#closeListeners) fn(ev.code, ev.reason);
      };
      ws.onmessage = (msg) => {
        let frame: any;
        try {
          frame = JSON.parse(String(msg.data));
        } catch {
          return;
        }
        if (!this.#hello) {
          if (frame?.type === 'event' && frame.event === 'connect.challenge') {
            const nonce = frame.payload?.nonce;
            if (typeof nonce !== 'string' || nonce === '') {
              done(new ClawgateError('GATEWAY_CLOSED', 'connect challenge missing nonce'));
              return;
            }
            this.#connectParams(nonce, creds).then(
              (params) => ws.send(JSON.stringify({ type: 'req', id: connectId, method: 'connect', params })),
              (err: Error) => done(err),
            );
            // Sent: this handler lives as long as the socket and must not hold the gateway token.
            creds = {};
            return;
          }
          if (frame?.type === 'res' && frame.id === connectId) {
            if (!frame.ok) {
              connectError = frame.error ? errorOf(frame.error) : new ClawgateError('GATEWAY_CLOSED', 'connect failed');
              return; // the close that follows settles with this error
            }
            const hello = frame.payload as HelloOk;
            const minted = hello.auth;
            const ready = minted ? saveDeviceToken({ token: minted.deviceToken, role: minted.role, scopes: minted.scopes ?? [] }) : Promise.resolve();
            ready.then(
              () => {
                this.#hello = hello;
                done(undefined, hello);
              },
              (err: Error) => done(new ClawgateError('INTERNAL', `cannot keep this browser's device token in IndexedDB: ${err.message}`)),
            );
          }
          return;
        }
        if (frame?.type === 'res') {
          const p = this.#pending.get(frame.id);
          if (!p) return;
          this.#pending.delete(frame.id);
          clearTimeout(p.timer);
          if (frame.ok) p.resolve(frame.payload);
          else p.reject(frame.error ? errorOf(frame.error) : new ClawgateError('INTERNAL', 'request failed without an error'));
        } else if (frame?.type === 'event' && typeof frame.event === 'string') {
          for (const fn of this.#listeners) fn({ event: frame.event, payload: frame.payload });
        }
      };
    });
  }

  async #connectParams(nonce: string, creds: Credentials): Promise<ConnectParams> {
    const role = 'operator';
    const scopes = [...DASHBOARD_SCOPES];
    const params: ConnectParams = {
      minProtocol: PROTOCOL_VERSION,
      maxProtocol: PROTOCOL_VERSION,
      client: { id: CLIENT_ID, mode: CLIENT_MODE, version: __CLAWGATE_VERSION__, platform: PLATFORM, instanceId: crypto.randomUUID(), displayName: 'Clawgate dashboard' },
      role,
      scopes,
      caps: [],
    };
    const auth: NonNullable<ConnectParams['auth']> = {};
    if (creds.gatewayToken) auth.token = creds.gatewayToken;
    if (creds.deviceToken) auth.deviceToken = creds.deviceToken.token;
    if (creds.bootstrapCode) auth.bootstrapToken = creds.bootstrapCode;
    if (auth.token || auth.deviceToken || auth.bootstrapToken) params.auth = auth;
    const id = this.identity;
    const signedAt = Date.now();
    const payload = buildV3Payload({ deviceId: id.deviceId, clientId: CLIENT_ID, clientMode: CLIENT_MODE, role, scopes, signedAtMs: signedAt, token: auth.token ?? auth.deviceToken ?? auth.bootstrapToken ?? '', nonce, platform: PLATFORM });
    params.device = { id: id.deviceId, publicKey: id.publicKey, signature: await signPayload(id, payload), signedAt, nonce };
    return params;
  }

  /** Call a method by its shared definition (src/protocol/methods): params and result typed by it. */
  call<M extends MethodDef>(def: M, ...args: undefined extends ParamsOf<M> ? [params?: ParamsOf<M>] : [params: ParamsOf<M>]): Promise<ResultOf<M>> {
    const ws = this.#ws;
    if (!ws || !this.#hello || ws.readyState !== WebSocket.OPEN) return Promise.reject(new ClawgateError('GATEWAY_CLOSED', 'not connected to the gateway'));
    const id = crypto.randomUUID();
    const params = args[0];
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new ClawgateError('GATEWAY_TIMEOUT', `gateway timeout after ${TIMEOUT_MS}ms waiting for ${def.name}`));
      }, TIMEOUT_MS);
      this.#pending.set(id, { resolve: resolve as (p: unknown) => void, reject, timer });
      ws.send(JSON.stringify(params === undefined ? { type: 'req', id, method: def.name } : { type: 'req', id, method: def.name, params }));
    });
  }

  /** Close the socket. */
  close(): void {
    this.#ws?.close(1000);
  }
}
