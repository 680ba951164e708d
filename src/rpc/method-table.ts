import { compile, type Validator } from '../protocol/schema.js';
import { METHODS, type MethodDef, type MethodImpl } from '../protocol/methods/index.js';

/** A served method with its compiled validators. */
export interface ServedMethod extends MethodImpl {
  readonly params: Validator<MethodDef['params']>;
  readonly result: Validator<MethodDef['result']>;
}

/** The method table the dispatcher serves, by name. */
export type MethodTable = ReadonlyMap<string, ServedMethod>;

/**
 * Every group's implementations, compiled once. Each definition in `defined` must have exactly one
 * implementation, and nothing undefined may be served.
 */
export function buildMethodTable(groups: ReadonlyArray<readonly MethodImpl[]>, defined: ReadonlyMap<string, MethodDef> = METHODS): MethodTable {
  const table = new Map<string, ServedMethod>();
  for (const m of groups.flat()) {
    if (table.has(m.def.name)) throw new Error(`method ${m.def.name} bound twice`);
    if (defined.get(m.def.name) !== m.def) throw new Error(`method ${m.def.name} is not in the method list`);
    table.set(m.def.name, { ...m, params: compile(m.def.params), result: compile(m.def.result) });
  }
  for (const name of defined.keys()) if (!table.has(name)) throw new Error(`method ${name} is defined but has no handler`);
  return table;
}
