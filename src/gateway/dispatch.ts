import { ClawgateError } from '../protocol/error-catalogue.js';
import { errorResponse, okResponse, toErrorShape, type RequestFrame, type ResponseFrame } from '../protocol/frames.js';
import type { Logger } from 'pino';
import type { Caller } from '../protocol/methods/define.js';
import { scopeAllows } from '../pairing/scope-lattice.js';
import type { MethodTable, ServedMethod } from '../rpc/method-table.js';
import type { Session } from './connection-state.js';

function checkResult(log: Logger, method: ServedMethod, name: string, result: unknown): void {
  if (!method.result.check(result)) {
    log.error({ method: name, problems: method.result.errors(result) }, 'handler result does not match its schema');
    throw new ClawgateError('INTERNAL', 'internal error');
  }
}

/** Who a session is, as handlers and the audit log see it. */
export function callerOf(session: Session): Caller {
  return {
    connId: session.connId,
    role: session.role,
    scopes: session.scopes,
    deviceId: session.deviceId,
    label: session.deviceId ? `rpc:${session.deviceId.slice(0, 12)}` : `rpc:${session.authMethod}`,
  };
}

/**
 * The one dispatcher: unknown method, role, scope, params validation, handler, result check, error
 * mapping. Handlers see only validated params and never re-check any of this.
 */
export async function dispatch(
  log: Logger,
  table: MethodTable,
  session: Session,
  frame: RequestFrame,
  sendLater: (res: ResponseFrame) => void = () => undefined,
): Promise<ResponseFrame> {
  let later: Promise<unknown> | undefined;
  try {
    if (frame.method === 'connect') throw new ClawgateError('CONNECT_REPEATED', 'connect is only valid as the first request');
    const method = table.get(frame.method);
    if (!method) throw new ClawgateError('UNKNOWN_METHOD', `unknown method: ${frame.method.slice(0, 100)}`, { method: frame.method.slice(0, 100) });
    if (!method.def.roles.includes(session.role as never)) {
      throw new ClawgateError('UNAUTHORIZED_ROLE', `unauthorized role: ${session.role}`, { method: frame.method });
    }
    const scope = method.def.scope;
    if (scope !== null && !scopeAllows(session.scopes, scope)) {
      throw new ClawgateError('MISSING_SCOPE', `missing scope: ${scope} (reconnect requesting it; the device must be approved for it)`, {
        method: frame.method,
        scope,
      });
    }
    if (!method.params.check(frame.params)) {
      throw new ClawgateError('INVALID_PARAMS', `invalid ${frame.method} params: ${method.params.errors(frame.params).join('; ')}`, { method: frame.method });
    }
    const respondLater = (pending: Promise<unknown>) => {
      later = pending;
    };
    const result = await method.handle(frame.params, { caller: callerOf(session), respondLater });
    checkResult(log, method, frame.method, result);
    if (later) {
      // Handled at once (a run that already failed must not be an unhandled rejection); sent on the next
      // macrotask, so the final response always follows the first one on the wire.
      const final = (later as Promise<unknown>).then(
        (value) => {
          checkResult(log, method, frame.method, value);
          return okResponse(frame.id, value);
        },
      ).catch((err: unknown) => {
        if (!(err instanceof ClawgateError)) log.error({ err, method: frame.method }, 'handler failed');
        return errorResponse(frame.id, toErrorShape(err));
      });
      void final.then((res) => setImmediate(() => sendLater(res)));
    }
    return okResponse(frame.id, result);
  } catch (err) {
    if (!(err instanceof ClawgateError)) log.error({ err, method: frame.method }, 'handler failed');
    return errorResponse(frame.id, toErrorShape(err));
  }
}
