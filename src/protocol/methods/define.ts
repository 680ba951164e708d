import type { Static, TSchema } from '@sinclair/typebox';
import type { Role } from '../scopes.js';

/** A protocol method, defined once: name, params and result schemas, who may call it. */
export interface MethodDef<P extends TSchema = TSchema, R extends TSchema = TSchema> {
  readonly name: string;
  readonly summary: string;
  readonly params: P;
  readonly result: R;
  /** Scope required of an operator connection; null means any authenticated connection. */
  readonly scope: string | null;
  /** Roles that may call it. */
  readonly roles: readonly Role[];
}

export type ParamsOf<M> = M extends MethodDef<infer P, TSchema> ? Static<P> : never;
export type ResultOf<M> = M extends MethodDef<TSchema, infer R> ? Static<R> : never;

/** Declare a method; defaults to the operator role. */
export function defineMethod<P extends TSchema, R extends TSchema>(
  def: Omit<MethodDef<P, R>, 'roles'> & { roles?: readonly Role[] },
): MethodDef<P, R> {
  return { roles: ['operator'], ...def };
}

/** True for a value made by defineMethod (used to collect the method list from the definition modules). */
export function isMethodDef(value: unknown): value is MethodDef {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<MethodDef>;
  return typeof v.name === 'string' && typeof v.summary === 'string' && Array.isArray(v.roles) && typeof v.params === 'object' && typeof v.result === 'object';
}

/** Who calls a method: what the dispatcher knows of an authenticated connection. Doubles as the audit actor. */
export interface Caller {
  readonly connId: string;
  readonly role: string;
  readonly scopes: readonly string[];
  /** The caller's own device, if it connected with one. */
  readonly deviceId: string | undefined;
  /** Audit label: `rpc:<deviceId prefix>` or `rpc:<auth method>`. */
  readonly label: string;
}

/** What a handler receives besides its validated params. */
export interface CallInfo {
  readonly caller: Caller;
  /**
   * Send a second response with the same id when `pending` settles (OpenClaw's two-phase `agent`: first
   * "accepted", then the final result). Errors are mapped like any handler error.
   */
  readonly respondLater: (pending: Promise<unknown>) => void;
}

/** A method's handler, typed by its definition. Handlers get validated params and never re-check scopes. */
export type Handler<D> = (params: ParamsOf<D>, call: CallInfo) => ResultOf<D> | Promise<ResultOf<D>>;

/** A definition with its implementation; domains return these from their method factories. */
export interface MethodImpl {
  readonly def: MethodDef;
  readonly handle: (params: unknown, call: CallInfo) => unknown;
}

/** Pair a definition with its handler, checked against the definition's types. */
export function implement<D extends MethodDef<TSchema, TSchema>>(def: D, handle: Handler<D>): MethodImpl {
  return { def, handle: handle as (params: unknown, call: CallInfo) => unknown };
}
