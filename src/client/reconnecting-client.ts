import { EventEmitter } from 'node:events';
import { ClawgateError } from '../protocol/error-catalogue.js';
import type { GatewayClient } from './gateway-client.js';

/** Backoff bounds and the auth-failure budget of a long-lived client. */
export const RECONNECT_BASE_MS = 500;
export const RECONNECT_MAX_MS = 30_000;
/** Consecutive auth or pairing rejections before the client stops and asks for a human. */
export const MAX_AUTH_ATTEMPTS = 2;

const TERMINAL_KINDS = new Set(['auth', 'pairing', 'scope', 'protocol', 'config']);

/**
 * Keeps a connection up with bounded exponential backoff (with jitter). Auth and pairing rejections are
 * not retried blindly: after MAX_AUTH_ATTEMPTS it stops and emits 'terminal' with the error, whose
 * message names the command to run. Emits 'connected' (client), 'disconnected' (code, reason), 'failed' (an attempt's error, retried), 'retry' (delay ms, attempt), 'terminal'.
 */
export class ReconnectingClient extends EventEmitter {
  #stopped = false;
  #attempt = 0;
  #authFailures = 0;
  #timer: NodeJS.Timeout | undefined;
  #current: GatewayClient | undefined;
  readonly attempts: { at: number; ok: boolean; code?: string }[] = [];

  constructor(
    private readonly factory: () => GatewayClient,
    private readonly opts: { baseMs?: number; maxMs?: number } = {},
  ) {
    super();
  }

  get client(): GatewayClient | undefined {
    return this.#current;
  }

  start(): void {
    this.#stopped = false;
    void this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    void this.#current?.close();
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    const client = this.factory();
    this.#current = client;
    try {
      await client.connect();
      this.attempts.push({ at: Date.now(), ok: true });
      this.#attempt = 0;
      this.#authFailures = 0;
      this.emit('connected', client);
      client.once('close', (code: number, reason: string) => {
        this.emit('disconnected', code, reason);
        // A credentials change (4001) is worth one immediate retry: the new token is handed out on connect.
        this.#schedule(code === 4001 ? 0 : undefined);
      });
    } catch (err) {
      const e = err instanceof ClawgateError ? err : new ClawgateError('GATEWAY_UNREACHABLE', (err as Error).message);
      this.attempts.push({ at: Date.now(), ok: false, code: e.code });
      if (TERMINAL_KINDS.has(e.kind)) {
        this.#authFailures++;
        if (this.#authFailures >= MAX_AUTH_ATTEMPTS || e.kind !== 'auth') {
          this.#stopped = true;
          this.emit('terminal', e);
          return;
        }
      }
      this.emit('failed', e);
      this.#schedule();
    }
  }

  #schedule(delayMs?: number): void {
    if (this.#stopped) return;
    const base = this.opts.baseMs ?? RECONNECT_BASE_MS;
    const max = this.opts.maxMs ?? RECONNECT_MAX_MS;
    const exp = Math.min(max, base * 2 ** this.#attempt++);
    const delay = delayMs ?? Math.round(exp / 2 + Math.random() * (exp / 2));
    this.#timer = setTimeout(() => void this.#connect(), delay);
    this.#timer.unref();
    this.emit('retry', delay, this.#attempt);
  }
}
