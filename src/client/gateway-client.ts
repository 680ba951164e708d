import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { WebSocket } from 'ws';
import type { Secret } from '../auth/secret.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { buildV3Payload } from '../protocol/device-signature.js';
import type { ConnectParams, HelloOk } from '../protocol/connect-params.js';
import { eventFrame, fromErrorShape, responseFrame, type EventFrame } from '../protocol/frames.js';
import { MAX_PAYLOAD_BYTES, PROTOCOL_VERSION } from '../protocol/limits.js';
import type { MethodDef, ParamsOf, ResultOf } from '../protocol/methods/define.js';
import { VERSION } from '../version.js';
import { signPayload, type DeviceIdentity } from './identity.js';
import { checkResult } from './result-check.js';
import type { TokenCache } from './token-cache.js';

/** Default time for one RPC (and for the whole handshake). */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** How to reach and authenticate to a gateway. */
export interface ClientOptions {
  url: string;
  /** The gateway token, when this client has one (proof of owning the install). */
  gatewayToken?: Secret | undefined;
  /** Device identity; omit for a device-less connect. */
  identity?: DeviceIdentity | undefined;
  tokenCache?: TokenCache | undefined;
  role?: 'operator' | 'node';
  scopes?: readonly string[];
  clientId?: string;
  clientMode?: string;
  displayName?: string;
  timeoutMs?: number;
  /** Extra HTTP headers on the upgrade (tests use this to act as a proxy or a browser). */
  headers?: Record<string, string>;
  /** Check every result against its definition's result schema (INVALID_RESULT on mismatch); the test suite turns it on. */
  validateResults?: boolean;
}

/** Options of one call. */
export interface CallOptions {
  timeoutMs?: number;
}

/** What follows the definition in a call: its params (omittable when the schema accepts none), then options. */
export type CallArgs<M extends MethodDef> = undefined extends ParamsOf<M> ? [params?: ParamsOf<M>, options?: CallOptions] : [params: ParamsOf<M>, options?: CallOptions];

interface Pending {
  resolve: (payload: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

function closedError(code: number, reason: string): ClawgateError {
  return new ClawgateError('GATEWAY_CLOSED', `gateway closed (${code}): ${reason || 'no reason'}`, { closeCode: code, closeReason: reason });
}

/**
 * One connection to a gateway: challenge, signed connect, hello-ok (caching a minted token before the
 * connection is used), then RPCs with timeouts and events. Emits 'event' (EventFrame) and 'close'.
 */
export class GatewayClient extends EventEmitter {
  readonly options: ClientOptions;
  #ws: WebSocket | undefined;
  #pending = new Map<string, Pending>();
  #hello: HelloOk | undefined;
  #closeInfo: { code: number; reason: string } | undefined;

  constructor(options: ClientOptions) {
    super();
    this.options = options;
  }

  get hello(): HelloOk | undefined {
    return this.#hello;
  }

  get timeoutMs(): number {
    return this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Open the socket and complete the handshake. Rejects with the gateway's precise error. */
  connect(): Promise<HelloOk> {
    const o = this.options;
    return new Promise<HelloOk>((resolve, reject) => {
      let settled = false;
      const done = (err: Error | undefined, hello?: HelloOk) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) {
          reject(err);
          ws.terminate();
        } else resolve(hello!);
      };
      const timer = setTimeout(() => done(new ClawgateError('GATEWAY_TIMEOUT', `gateway timeout after ${this.timeoutMs}ms while connecting to ${o.url}`)), this.timeoutMs);
      const ws = new WebSocket(o.url, { maxPayload: MAX_PAYLOAD_BYTES, perMessageDeflate: false, headers: o.headers ?? {}, handshakeTimeout: this.timeoutMs });
      this.#ws = ws;
      const connectId = randomUUID();
      let connectError: ClawgateError | undefined;

      ws.on('error', (err: NodeJS.ErrnoException) => {
        const code = err.code ?? '';
        const cause = code === 'ECONNREFUSED' ? 'connection refused' : err.message;
        done(new ClawgateError('GATEWAY_UNREACHABLE', `cannot reach the gateway at ${o.url}: ${cause}; start it with: clawgate gateway run`, { url: o.url }));
      });
      ws.on('close', (code, reasonBuf) => {
        const reason = reasonBuf.toString();
        this.#closeInfo = { code, reason };
        const err = connectError ?? closedError(code, reason);
        done(err);
        for (const p of this.#pending.values()) {
          clearTimeout(p.timer);
          p.reject(closedError(code, reason));
        }
        this.#pending.clear();
        this.emit('close', code, reason);
      });
      ws.on('message', (data) => {
        let frame: unknown;
        try {
          frame = JSON.parse(data.toString());
        } catch {
          return;
        }
        if (!this.#hello) {
          if (eventFrame.check(frame) && frame.event === 'connect.challenge') {
            const nonce = (frame.payload as { nonce?: unknown } | undefined)?.nonce;
            if (typeof nonce !== 'string' || nonce === '') {
              done(new ClawgateError('GATEWAY_CLOSED', 'connect challenge missing nonce'));
              return;
            }
            ws.send(JSON.stringify({ type: 'req', id: connectId, method: 'connect', params: this.#connectParams(nonce) }));
            return;
          }
          if (responseFrame.check(frame) && frame.id === connectId) {
            if (!frame.ok) {
              connectError = frame.error ? fromErrorShape(frame.error) : closedError(1008, 'connect failed');
              return; // the close that follows settles with this error
            }
            const hello = frame.payload as HelloOk;
            try {
              this.#cacheToken(hello);
            } catch (err) {
              done(err as Error);
              return;
            }
            this.#hello = hello;
            done(undefined, hello);
          }
          return;
        }
        if (responseFrame.check(frame)) {
          const p = this.#pending.get(frame.id);
          if (!p) return;
          this.#pending.delete(frame.id);
          clearTimeout(p.timer);
          if (frame.ok) p.resolve(frame.payload);
          else p.reject(frame.error ? fromErrorShape(frame.error) : new ClawgateError('INTERNAL', 'request failed without an error'));
        } else if (eventFrame.check(frame)) {
          this.emit('event', frame as EventFrame);
        }
      });
    });
  }

  #connectParams(nonce: string): ConnectParams {
    const o = this.options;
    const role = o.role ?? 'operator';
    const scopes = [...(o.scopes ?? [])];
    const clientId = o.clientId ?? 'cli';
    const clientMode = o.clientMode ?? 'cli';
    const platform = process.platform;
    const cached = o.identity && o.tokenCache ? o.tokenCache.get(role)?.token : undefined;
    const gatewayToken = o.gatewayToken?.reveal();
    const params: ConnectParams = {
      minProtocol: PROTOCOL_VERSION,
      maxProtocol: PROTOCOL_VERSION,
      client: { id: clientId, mode: clientMode, version: VERSION, platform, instanceId: randomUUID(), ...(o.displayName ? { displayName: o.displayName } : {}) },
      role,
      scopes,
      caps: [],
    };
    const auth: NonNullable<ConnectParams['auth']> = {};
    if (gatewayToken) auth.token = gatewayToken;
    if (cached) auth.deviceToken = cached;
    if (auth.token || auth.deviceToken) params.auth = auth;
    if (o.identity) {
      const signedAt = Date.now();
      const payload = buildV3Payload({ deviceId: o.identity.deviceId, clientId, clientMode, role, scopes, signedAtMs: signedAt, token: auth.token ?? auth.deviceToken ?? '', nonce, platform });
      params.device = { id: o.identity.deviceId, publicKey: o.identity.publicKey, signature: signPayload(o.identity, payload), signedAt, nonce };
    }
    return params;
  }

  /** Write a minted token to the cache before the connection is used (convergence rule). */
  #cacheToken(hello: HelloOk): void {
    const auth = hello.auth;
    if (!auth?.deviceToken || !this.options.tokenCache) return;
    this.options.tokenCache.put({ token: auth.deviceToken, role: auth.role, scopes: auth.scopes ?? [] });
  }

  /** Call a method by its definition: params and result typed by it; rejects with the gateway's error (stable code in `.code`). */
  async call<M extends MethodDef>(def: M, ...args: CallArgs<M>): Promise<ResultOf<M>> {
    const [params, options] = args as [unknown, CallOptions | undefined];
    const result = await this.#request(def.name, params, options?.timeoutMs ?? this.timeoutMs);
    return this.options.validateResults ? checkResult(def, result) : (result as ResultOf<M>);
  }

  /** One RPC with a timeout. */
  #request(method: string, params: unknown, timeoutMs: number): Promise<unknown> {
    const ws = this.#ws;
    if (!ws || !this.#hello || ws.readyState !== ws.OPEN) {
      const info = this.#closeInfo;
      return Promise.reject(info ? closedError(info.code, info.reason) : new ClawgateError('GATEWAY_CLOSED', 'not connected'));
    }
    const id = randomUUID();
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new ClawgateError('GATEWAY_TIMEOUT', `gateway timeout after ${timeoutMs}ms waiting for ${method}`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      const frame: Record<string, unknown> = { type: 'req', id, method };
      if (params !== undefined) frame['params'] = params;
      ws.send(JSON.stringify(frame));
    });
  }

  /** Close the socket (normal closure) and wait for it. */
  close(): Promise<void> {
    const ws = this.#ws;
    if (!ws || ws.readyState === ws.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      ws.once('close', () => resolve());
      ws.close(1000);
      setTimeout(() => {
        ws.terminate();
        resolve();
      }, 1000).unref();
    });
  }
}
