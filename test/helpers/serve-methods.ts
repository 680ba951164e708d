import { pino } from 'pino';
import type { MethodImpl } from '../../src/protocol/methods/define.js';
import type { ResponseFrame } from '../../src/protocol/frames.js';
import type { Session } from '../../src/gateway/connection-state.js';
import { dispatch } from '../../src/gateway/dispatch.js';
import { buildMethodTable, type MethodTable } from '../../src/rpc/method-table.js';

/** A method table of just these implementations (the full gateway checks that every definition is served). */
export function tableOf(impls: readonly MethodImpl[]): MethodTable {
  return buildMethodTable([impls], new Map(impls.map((m) => [m.def.name, m.def])));
}

/** Serve implementations through the real dispatcher to one operator session; second responses land in `later`. */
export function serveMethods(impls: readonly MethodImpl[], scopes: readonly string[] = ['operator.admin'], deviceId = 'dev-1') {
  const table = tableOf(impls);
  const session = { connId: 'c1', role: 'operator', scopes, deviceId, authMethod: 'device-token' } as unknown as Session;
  const later: ResponseFrame[] = [];
  const log = pino({ level: 'silent' });
  const call = (method: string, params?: unknown) =>
    dispatch(log, table, session, { type: 'req', id: 'r1', method, ...(params !== undefined ? { params } : {}) }, (res) => later.push(res));
  return { table, call, later };
}
