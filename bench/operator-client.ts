/** A paired operator over a real WebSocket for the agent benchmarks: requests, and events stamped on arrival. */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { closeAndWait, connect, makeDevice } from './raw-connect.js';

/** Scopes the agent bench needs: chat.send is operator.write, chat/agent events need operator.read. */
const OPERATOR_SCOPES = ['operator.read', 'operator.write'];

/** One event as received: name, payload, and performance.now() when its frame arrived here. */
export interface StampedEvent {
  event: string;
  payload: any;
  at: number;
  /** Size of the frame on the wire (bytes of the WebSocket message). */
  bytes: number;
}

interface Waiter {
  match: (e: StampedEvent) => boolean;
  resolve: (e: StampedEvent) => void;
}

/** A connected, paired operator that matches responses to requests and lets callers wait for events. */
export class OperatorClient {
  readonly #ws: WebSocket;
  readonly #pending = new Map<string, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  #waiters: Waiter[] = [];
  #listeners: Array<(e: StampedEvent) => void> = [];

  constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data: Buffer) => {
      const at = performance.now();
      const frame = JSON.parse(data.toString());
      if (frame.type === 'res') {
        const p = this.#pending.get(frame.id);
        if (!p) return;
        this.#pending.delete(frame.id);
        if (frame.ok) p.resolve(frame.payload);
        else p.reject(new Error(`${frame.error?.code}: ${frame.error?.message}`));
        return;
      }
      if (frame.type !== 'event') return;
      const e: StampedEvent = { event: frame.event, payload: frame.payload, at, bytes: data.length };
      for (const l of this.#listeners) l(e);
      if (this.#waiters.length === 0) return;
      const still: Waiter[] = [];
      for (const w of this.#waiters) (w.match(e) ? w.resolve(e) : still.push(w));
      this.#waiters = still;
    });
    ws.on('close', (code, reason) => {
      for (const p of this.#pending.values()) p.reject(new Error(`socket closed ${code} ${reason.toString()}`));
      this.#pending.clear();
    });
  }

  /** Send a request frame now; resolves with the response payload (rejects with "CODE: message"). */
  request(method: string, params: unknown): Promise<any> {
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#ws.send(JSON.stringify({ type: 'req', id, method, params }));
    });
  }

  /** Every event from now on (stamped). */
  onEvent(listener: (e: StampedEvent) => void): () => void {
    this.#listeners.push(listener);
    return () => (this.#listeners = this.#listeners.filter((l) => l !== listener));
  }

  /** The next event matching `match`, or a rejection after timeoutMs. */
  next(match: (e: StampedEvent) => boolean, timeoutMs = 30_000, what = 'event'): Promise<StampedEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const waiter: Waiter = {
        match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      this.#waiters.push(waiter);
    });
  }

  close(): Promise<void> {
    return closeAndWait(this.#ws);
  }
}

/**
 * Pair a fresh device with the gateway token (auto-approved on loopback), then reconnect with the device
 * token it was issued: the way a real operator app connects after pairing.
 */
export async function pairedOperator(url: string, gatewayToken: string): Promise<OperatorClient> {
  const device = makeDevice();
  const first = await connect(url, { gatewayToken, device, scopes: OPERATOR_SCOPES });
  await closeAndWait(first.ws);
  const deviceToken = first.hello?.auth?.deviceToken;
  if (typeof deviceToken !== 'string') throw new Error(`pairing returned no device token: ${JSON.stringify(first.hello?.auth)}`);
  const { ws } = await connect(url, { device: { ...device, deviceToken }, scopes: OPERATOR_SCOPES });
  return new OperatorClient(ws);
}
