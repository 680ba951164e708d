import { EventEmitter } from 'node:events';
import { GatewayClient, type ClientOptions } from '../client/gateway-client.js';
import { ReconnectingClient } from '../client/reconnecting-client.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import type { EventFrame } from '../protocol/frames.js';
import type { MethodDef, ParamsOf, ResultOf } from '../protocol/methods/define.js';

/**
 * What the TUI asks for: chatting (read, write), answering exec approvals, approving devices, and the
 * session commands that need admin (/reset). The owner's own device on this host gets them with the
 * gateway token; a remote device asks once, in its pairing request.
 */
export const TUI_SCOPES = ['operator.admin', 'operator.approvals', 'operator.pairing', 'operator.read', 'operator.write'] as const;

/**
 * The TUI's link to the gateway: reconnects with bounded backoff, stops on a refusal a retry cannot fix
 * (auth, pairing, scope), and re-emits the connection's events. Emits 'connected', 'lost', 'retry'
 * (delay ms), 'stopped' (error, in the terms of the caller's `explain`), 'event' (frame).
 */
export class TuiConnection extends EventEmitter {
  readonly #rc: ReconnectingClient;
  #client: GatewayClient | undefined;

  constructor(options: ClientOptions, explain: (err: unknown) => unknown = (e) => e) {
    super();
    this.#rc = new ReconnectingClient(() => new GatewayClient({ ...options, scopes: [...TUI_SCOPES] }));
    this.#rc.on('connected', (client: GatewayClient) => {
      this.#client = client;
      client.on('event', (f: EventFrame) => this.emit('event', f));
      this.emit('connected', client);
    });
    this.#rc.on('disconnected', (code: number, reason: string) => {
      this.#client = undefined;
      this.emit('lost', code, reason);
    });
    this.#rc.on('retry', (delayMs: number) => this.emit('retry', delayMs));
    this.#rc.on('terminal', (err: unknown) => {
      this.#client = undefined;
      this.emit('stopped', explain(err));
    });
  }

  get connected(): boolean {
    return this.#client !== undefined;
  }

  start(): void {
    this.#rc.start();
  }

  stop(): void {
    this.#rc.stop();
  }

  /** One typed call on the live connection; GATEWAY_CLOSED while there is none. */
  call<M extends MethodDef>(def: M, params: ParamsOf<M>, timeoutMs?: number): Promise<ResultOf<M>> {
    const c = this.#client;
    if (!c) return Promise.reject(new ClawgateError('GATEWAY_CLOSED', `not connected to the gateway, so ${def.name} was not sent; wait for the reconnect`));
    return (c.call as (d: M, p: unknown, o?: { timeoutMs?: number }) => Promise<ResultOf<M>>)(def, params, timeoutMs !== undefined ? { timeoutMs } : undefined);
  }
}
