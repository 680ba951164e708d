import type { TSchema } from '@sinclair/typebox';
import type { MethodDef, ParamsOf, ResultOf } from '../protocol/methods/index.js';
import type { CallContext } from './context.js';

/** A method's implementation, bound to its definition. Handlers get validated params and never re-check scopes. */
export interface BoundMethod {
  readonly def: MethodDef;
  readonly handle: (params: unknown, call: CallContext) => unknown;
}

/** Bind a handler to its definition with the definition's types. */
export function bindMethod<P extends TSchema, R extends TSchema>(
  def: MethodDef<P, R>,
  handle: (params: ParamsOf<MethodDef<P, R>>, call: CallContext) => ResultOf<MethodDef<P, R>> | Promise<ResultOf<MethodDef<P, R>>>,
): BoundMethod {
  return { def: def as unknown as MethodDef, handle: handle as (params: unknown, call: CallContext) => unknown };
}
