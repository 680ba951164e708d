import { eventFrameOf } from '../protocol/frames.js';
import { EVENT_SCOPES, type EventName, CLOSE_CODES } from '../protocol/events.js';
import { MAX_BUFFERED_BYTES } from '../protocol/limits.js';
import { scopeAllows } from '../pairing/scope-lattice.js';
import type { Connection } from './connection-state.js';

/**
 * Sends frames to connections: one seq counter for broadcasts, role/scope filtering per event, and a
 * bounded outbox: a consumer whose unsent bytes pass the limit is closed, never allowed to grow memory.
 */
export class Broadcaster {
  readonly #connections: Set<Connection>;
  #seq = 0;

  constructor(connections: Set<Connection>) {
    this.#connections = connections;
  }

  /** Send one frame to one connection (targeted sends carry no seq). */
  send(conn: Connection, frame: unknown, dropIfSlow = false): void {
    const ws = conn.ws;
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      if (dropIfSlow) return;
      ws.close(CLOSE_CODES.policy, 'slow consumer');
      return;
    }
    ws.send(JSON.stringify(frame));
  }

  /** Broadcast an event to every authenticated operator allowed to see it. */
  broadcast(event: EventName, payload: unknown, opts: { dropIfSlow?: boolean } = {}): void {
    const needed = EVENT_SCOPES[event];
    const frame = JSON.stringify(eventFrameOf(event, payload, ++this.#seq));
    for (const conn of this.#connections) {
      const s = conn.session;
      if (!s) continue;
      if (needed !== undefined && (s.role !== 'operator' || !scopeAllows(s.scopes, needed))) continue;
      const ws = conn.ws;
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        if (!opts.dropIfSlow) ws.close(CLOSE_CODES.policy, 'slow consumer');
        continue;
      }
      ws.send(frame);
    }
  }

  get seq(): number {
    return this.#seq;
  }
}
