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
