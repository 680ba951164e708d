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

/** What chatting needs; the TUI falls back to what the device holds when the gateway wants approval for more. */
export const TUI_BASE_SCOPES = ['operator.read', 'operator.write'] as const;

/**
 * The TUI's link to the gateway: reconnects with bounded backoff, stops on a refusal a retry cannot fix
 * (auth, pairing), and re-emits the connection's events. When the gateway answers the full scope set with
 * a scope-upgrade request (a device paired with fewer), it connects again with the scopes the device holds
 * (from its cached token, else read and write) and emits 'limited' with the refusal, whose message names
 * the approve command. Emits 'connected', 'lost', 'failed' (an attempt's error; it retries), 'retry' (delay ms), 'limited', 'stopped', 'event'.
 */
export class TuiConnection extends EventEmitter {
  readonly #rc: ReconnectingClient;
  #client: GatewayClient | undefined;
  #scopes: readonly string[] = TUI_SCOPES;

  constructor(options: ClientOptions, explain: (err: unknown) => unknown = (e) => e) {
    super();
    this.#rc = new ReconnectingClient(() => new GatewayClient({ ...options, scopes: [...this.#scopes] }));
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
    this.#rc.on('failed', (err: unknown) => this.emit('failed', explain(err)));
    this.#rc.on('terminal', (err: unknown) => {
      this.#client = undefined;
      if (err instanceof ClawgateError && err.code === 'PAIRING_SCOPE_UPGRADE' && this.#scopes === TUI_SCOPES) {
        const held = options.identity ? options.tokenCache?.get(options.role ?? 'operator')?.scopes : undefined;
        this.#scopes = held && held.length > 0 ? held : TUI_BASE_SCOPES;
        this.emit('limited', explain(err), this.#scopes);
        this.#rc.start();
        return;
      }
      this.emit('stopped', explain(err));
    });
  }

  /** The scopes asked for on the next connect. */
  get scopes(): readonly string[] {
    return this.#scopes;
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
