import type { TSchema } from '@sinclair/typebox';
import { ClawgateError } from '../protocol/error-catalogue.js';
import type { MethodDef, ResultOf } from '../protocol/methods/define.js';
import { compile, type Validator } from '../protocol/schema.js';

// One compiled validator per definition: a client that validates every result compiles each schema once.
const validators = new WeakMap<MethodDef, Validator<TSchema>>();

/** The cached validator of a method's result schema. */
export function resultValidator(def: MethodDef): Validator<TSchema> {
  let v = validators.get(def);
  if (!v) {
    v = compile(def.result);
    validators.set(def, v);
  }
  return v;
}

/** The result, typed by its definition; throws INVALID_RESULT naming the method when it does not match. */
export function checkResult<M extends MethodDef>(def: M, value: unknown): ResultOf<M> {
  const v = resultValidator(def);
  if (v.check(value)) return value as ResultOf<M>;
  const errors = v.errors(value);
  throw new ClawgateError('INVALID_RESULT', `the gateway's ${def.name} result does not match its definition: ${errors.join('; ')}`, { method: def.name, errors });
}
