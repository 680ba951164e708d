import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { HANDSHAKE_TIMEOUT_MS } from '../protocol/limits.js';
import {
  CONNECTION_LOG_WINDOW_MS,
  HANDSHAKE_CLOSE_GRACE_MS,
  HTTP_DEADLINE_CHECK_INTERVAL_MS,
  HTTP_HEADERS_TIMEOUT_MS,
  HTTP_KEEP_ALIVE_IDLE_MS,
  HTTP_REQUEST_TIMEOUT_MS,
} from './limits.js';
import { WindowedCounts } from './windowed-counts.js';

/** Options for `createServer`: Node enforces the head, request and keep-alive deadlines with them. */
export const HTTP_DEADLINES: ServerOptions = {
  headersTimeout: HTTP_HEADERS_TIMEOUT_MS,
  requestTimeout: HTTP_REQUEST_TIMEOUT_MS,
  keepAliveTimeout: HTTP_KEEP_ALIVE_IDLE_MS,
  connectionsCheckingInterval: HTTP_DEADLINE_CHECK_INTERVAL_MS,
};

/**
 * Where a socket is: `fresh` (no complete request yet), `busy` (a plain HTTP request is being served), `idle`
 * (keep-alive between requests), `handshake` (upgraded, no session yet), `session` (authenticated).
 */
type Phase = 'fresh' | 'busy' | 'idle' | 'handshake' | 'session';

interface Tracked {
  phase: Phase;
  /** Plain HTTP requests on this socket whose responses have not finished. */
  busy: number;
  handshakeTimer: NodeJS.Timeout | undefined;
}

const COUNTED = ['evicted', 'refused', 'timedOut'] as const;
type Counted = (typeof COUNTED)[number];

/** Node's own answers to a request it could not parse or that missed its deadline (its default `clientError`). */
function clientErrorResponse(code: string | undefined): string {
  const status = code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
  return `HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`;
}

export interface ConnectionGuardOptions {
  /** Most sockets held at once, of any kind (see connection-cap.ts). */
  maxConnections: number;
  log: Logger;
  /** One summary line of refusals, evictions and deadline closes per this window. */
  logWindowMs?: number;
}

/**
 * Caps the sockets of one HTTP server and keeps strangers from starving it. At the cap, a new socket
 * evicts the one that has been idle longest among those not authenticated (no complete request yet,
 * keep-alive idle, or upgraded but still in the handshake); authenticated sessions are never evicted,
 * and when only they remain the new socket is refused. Upgraded sockets without a session are destroyed
 * after the handshake deadline. Refusals, evictions and deadline closes are logged as one line per window.
 */
export class ConnectionGuard {
  readonly maxConnections: number;
  readonly #sockets = new Map<Duplex, Tracked>();
  /** The evictable sockets, longest idle first (a Set iterates in insertion order). */
  readonly #idle = new Set<Duplex>();
  readonly #counts: WindowedCounts<Counted>;
  readonly #log: Logger;

  constructor(opts: ConnectionGuardOptions) {
    this.maxConnections = opts.maxConnections;
    this.#log = opts.log;
    this.#counts = new WindowedCounts(COUNTED, opts.logWindowMs ?? CONNECTION_LOG_WINDOW_MS, (counts) => {
      const fields = { ...counts, open: this.#sockets.size, cap: this.maxConnections, windowMs: opts.logWindowMs ?? CONNECTION_LOG_WINDOW_MS };
      if (counts.evicted > 0 || counts.refused > 0) this.#log.warn(fields, 'connection cap reached: idle unauthenticated sockets evicted, new ones refused when none was left');
      else this.#log.info(fields, 'sockets closed at their deadline before authenticating');
    });
  }

  /** Sockets held now. */
  get size(): number {
    return this.#sockets.size;
  }

  /** Watch every socket of `http` (call before it listens). */
  attach(http: Server): void {
    http.on('connection', (socket: Socket) => this.#accept(socket));
    http.on('request', (req: IncomingMessage, res: ServerResponse) => this.#request(req.socket, res));
    http.on('upgrade', (_req: IncomingMessage, socket: Duplex) => this.#upgraded(socket));
    // Listening replaces Node's default answer, so it is given here too; the count is what is added.
    http.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
      if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') this.#counts.add('timedOut');
      if (socket.writable && (socket as Socket).bytesWritten === 0) socket.write(clientErrorResponse(err.code));
      socket.destroy();
    });
  }

  /** The socket's WebSocket completed its handshake: from now on it is never evicted and has no deadline. */
  authenticated(socket: Duplex): void {
    const t = this.#sockets.get(socket);
    if (!t) return;
    clearTimeout(t.handshakeTimer);
    t.phase = 'session';
    this.#idle.delete(socket);
  }

  /** Log what the current window counted; stop the timers (the server closes the sockets). */
  close(): void {
    for (const t of this.#sockets.values()) clearTimeout(t.handshakeTimer);
    this.#counts.flushNow();
  }

  #accept(socket: Socket): void {
    if (this.#sockets.size >= this.maxConnections) {
      const oldest = this.#idle.values().next();
      if (oldest.done) {
        this.#counts.add('refused');
        socket.destroy();
        return;
      }
      this.#counts.add('evicted');
      this.#forget(oldest.value);
      oldest.value.destroy();
    }
    this.#sockets.set(socket, { phase: 'fresh', busy: 0, handshakeTimer: undefined });
    this.#idle.add(socket);
    socket.once('close', () => this.#forget(socket));
  }

  #request(socket: Duplex, res: ServerResponse): void {
    const t = this.#sockets.get(socket);
    if (!t) return;
    t.phase = 'busy';
    t.busy++;
    this.#idle.delete(socket);
    res.once('close', () => {
      t.busy--;
      if (t.busy > 0 || !this.#sockets.has(socket)) return;
      t.phase = 'idle';
      // Idle from now: the longest-idle order is the order sockets last went idle.
      this.#idle.add(socket);
    });
  }

  #upgraded(socket: Duplex): void {
    const t = this.#sockets.get(socket);
    if (!t) return;
    t.phase = 'handshake';
    this.#idle.delete(socket);
    this.#idle.add(socket);
    // connection.ts closes politely at the handshake deadline; a peer that never answers the close is cut here.
    t.handshakeTimer = setTimeout(() => {
      if (t.phase !== 'handshake') return;
      this.#counts.add('timedOut');
      socket.destroy();
    }, HANDSHAKE_TIMEOUT_MS + HANDSHAKE_CLOSE_GRACE_MS);
    t.handshakeTimer.unref();
  }

  #forget(socket: Duplex): void {
    const t = this.#sockets.get(socket);
    if (!t) return;
    clearTimeout(t.handshakeTimer);
    this.#sockets.delete(socket);
    this.#idle.delete(socket);
  }
}
