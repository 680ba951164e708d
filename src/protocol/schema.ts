import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { Static, TSchema } from '@sinclair/typebox';

/** A compiled validator with readable errors ("at /client/id: Expected string"). */
export interface Validator<T extends TSchema> {
  check(value: unknown): value is Static<T>;
  /** First few problems, each naming the key path; empty when valid. */
  errors(value: unknown, max?: number): string[];
}

/**
 * Compile a TypeBox schema on first use (start-up pays only for the validators it needs); validation
 * is then a plain function call.
 */
export function compile<T extends TSchema>(schema: T): Validator<T> {
  let compiled: TypeCheck<T> | undefined;
  const checker = (): TypeCheck<T> => (compiled ??= TypeCompiler.Compile(schema));
  return {
    check: (value: unknown): value is Static<T> => checker().Check(value),
    errors(value: unknown, max = 3): string[] {
      const out: string[] = [];
      for (const e of checker().Errors(value)) {
        out.push(`${e.path === '' ? '(root)' : e.path}: ${e.message}`);
        if (out.length >= max) break;
      }
      return out;
    },
  };
}
