import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { errorResponse, eventFrameOf, okResponse, requestFrame, toErrorShape, type RequestFrame } from '../protocol/frames.js';
import { CLOSE_CODES } from '../protocol/events.js';
import { HANDSHAKE_TIMEOUT_MS } from '../protocol/limits.js';
import { truncateReason } from '../protocol/close-reason.js';
import type { GatewayContext } from './context.js';
import type { Connection } from './connection-state.js';
import { dispatch } from './dispatch.js';
import { remoteIpOf } from './locality.js';
import { performHandshake } from './handshake.js';
import { buildHelloOk } from './hello-ok.js';
import { MAX_CONNECTIONS, MAX_IN_FLIGHT_PER_CONNECTION } from './limits.js';
import type { MethodTable } from '../rpc/method-table.js';

const AUDITED_FAILURES = new Set(['AUTH_TOKEN_MISMATCH', 'AUTH_TOKEN_MISSING', 'AUTH_DEVICE_TOKEN_MISMATCH', 'DEVICE_AUTH_INVALID', 'DEVICE_CLOCK_SKEW', 'DEVICE_IDENTITY_REQUIRED', 'ORIGIN_NOT_ALLOWED', 'PAIRING_REFUSED']);

function parse(data: RawData): unknown {
  try {
    return JSON.parse(Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString());
  } catch {
    return undefined;
  }
}

/** Drive one socket: challenge, handshake (one attempt), then requests through the dispatcher; `onSession` is told when hello-ok is sent. */
export function handleConnection(gw: GatewayContext, table: MethodTable, ws: WebSocket, req: IncomingMessage, onSession?: () => void): void {
  if (gw.connections.size >= MAX_CONNECTIONS) {
    ws.close(1013, 'too many connections');
    return;
  }
  const conn: Connection = { ws, session: undefined };
  gw.connections.add(conn);
  const remote = remoteIpOf(req);
  const openedAtMs = Date.now();
  gw.log.debug({ remote }, 'connection accepted');
  const nonce = randomUUID();
  let inFlight = 0;
  const send = (frame: unknown) => gw.broadcaster.send(conn, frame);
  const timer = setTimeout(() => {
    if (!conn.session) ws.close(CLOSE_CODES.normal);
  }, HANDSHAKE_TIMEOUT_MS);
  timer.unref();

  ws.on('close', (code) => {
    clearTimeout(timer);
    gw.connections.delete(conn);
    gw.log.debug({ remote, code, deviceId: conn.session?.deviceId, role: conn.session?.role, durationMs: Date.now() - openedAtMs }, 'connection closed');
  });
  ws.on('error', (err) => gw.log.debug({ err: err.message }, 'socket error'));
  send(eventFrameOf('connect.challenge', { nonce, ts: Date.now() }));

  ws.on('message', (data) => {
    const frame = parse(data);
    if (!conn.session) {
      handshakeFrame(frame);
      return;
    }
    if (frame === undefined) {
      ws.close(CLOSE_CODES.policy, 'invalid request frame: malformed JSON');
      return;
    }
    if (!requestFrame.check(frame)) {
      const id = (frame as { id?: unknown } | null)?.id;
      if (typeof id === 'string' && id.length > 0 && id.length <= 256) {
        send(errorResponse(id, toErrorShape(new ClawgateError('INVALID_FRAME', `invalid request frame: ${requestFrame.errors(frame).join('; ')}`))));
      } else {
        ws.close(CLOSE_CODES.policy, 'invalid request frame');
      }
      return;
    }
    if (inFlight >= MAX_IN_FLIGHT_PER_CONNECTION) {
      send(errorResponse(frame.id, toErrorShape(new ClawgateError('RATE_LIMITED', `too many requests in flight (limit ${MAX_IN_FLIGHT_PER_CONNECTION}); wait for replies`, { retryAfterMs: 100 }))));
      return;
    }
    inFlight++;
    void dispatch(gw.log, table, conn.session, frame, send).then((res) => {
      inFlight--;
      send(res);
      gw.syncStore();
    });
  });

  function handshakeFrame(frame: unknown): void {
    if (frame === undefined) {
      ws.close(CLOSE_CODES.normal);
      return;
    }
    if (!requestFrame.check(frame)) {
      ws.close(CLOSE_CODES.policy, 'invalid request frame');
      return;
    }
    const reqFrame: RequestFrame = frame;
    if (reqFrame.method !== 'connect') {
      const msg = 'invalid handshake: first request must be connect';
      reject(reqFrame.id, new ClawgateError('HANDSHAKE_REQUIRED', msg, {}, { code: CLOSE_CODES.policy, reason: msg }));
      return;
    }
    try {
      const result = performHandshake(gw, reqFrame.params, { req, nonce, nowMs: Date.now() });
      conn.session = result.session;
      clearTimeout(timer);
      onSession?.();
      gw.log.debug({ remote, deviceId: result.session.deviceId, role: result.session.role, authMethod: result.session.authMethod, client: result.session.clientId }, 'handshake accepted');
      send(okResponse(reqFrame.id, buildHelloOk(gw, result)));
    } catch (err) {
      reject(reqFrame.id, err);
    }
    gw.syncStore();
  }

  function reject(id: string, err: unknown): void {
    if (!(err instanceof ClawgateError)) gw.log.error({ err, remote }, 'handshake failed unexpectedly');
    // The stable code and where it came from; never the presented credentials (the sink scrubs anyway).
    else gw.log.info({ code: err.code, remote, reason: err.details['authReason'] ?? err.details['reason'], deviceId: err.details['deviceId'], requestId: err.details['requestId'] }, 'handshake rejected');
    if (err instanceof ClawgateError && AUDITED_FAILURES.has(err.code)) {
      try {
        gw.store.audit.append({ tsMs: Date.now(), kind: 'auth.failed', actor: 'gateway', reason: err.code, deviceId: typeof err.details['deviceId'] === 'string' ? err.details['deviceId'] : undefined, detail: { authReason: err.details['authReason'] ?? err.details['reason'] } });
      } catch (auditErr) {
        gw.log.warn({ err: (auditErr as Error).message }, 'could not audit an auth failure');
      }
    }
    send(errorResponse(id, toErrorShape(err)));
    // A refusal without its own close spec (pairing refused, device-token errors) still closes 1008 with its cause.
    const close =
      err instanceof ClawgateError && err.close
        ? err.close
        : err instanceof ClawgateError && err.kind !== 'internal'
          ? { code: CLOSE_CODES.policy, reason: err.message.split(';')[0]! }
          : { code: CLOSE_CODES.internal, reason: 'internal error' };
    ws.close(close.code, truncateReason(close.reason));
  }
}
