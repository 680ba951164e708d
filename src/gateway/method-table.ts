import { compile, type Validator } from '../protocol/schema.js';
import { METHODS, type MethodDef } from '../protocol/methods/index.js';
import { PAIRING_METHODS } from '../pairing/rpc-methods.js';
import { CONFIG_METHODS } from '../config/rpc-methods.js';
import { AUTH_METHODS } from '../auth/rpc-methods.js';
import { LOGGING_METHODS } from '../logging/rpc-methods.js';
import { AGENT_METHODS } from '../agents/rpc-methods.js';
import { CRON_METHODS } from '../cron/rpc-methods.js';
import { CHANNEL_METHODS } from '../channels/rpc-methods.js';
import type { BoundMethod } from './handler.js';
import { GATEWAY_INFO_METHODS } from './methods/gateway-info.js';

/** A served method with its compiled validators. */
export interface ServedMethod extends BoundMethod {
  readonly params: Validator<MethodDef['params']>;
  readonly result: Validator<MethodDef['result']>;
}

/** Every domain's bound methods, compiled once. Each definition must have exactly one handler. */
export function buildMethodTable(groups: ReadonlyArray<readonly BoundMethod[]> = [GATEWAY_INFO_METHODS, PAIRING_METHODS, CONFIG_METHODS, AUTH_METHODS, LOGGING_METHODS, AGENT_METHODS, CRON_METHODS, CHANNEL_METHODS]): Map<string, ServedMethod> {
  const table = new Map<string, ServedMethod>();
  for (const m of groups.flat()) {
    if (table.has(m.def.name)) throw new Error(`method ${m.def.name} bound twice`);
    table.set(m.def.name, { ...m, params: compile(m.def.params), result: compile(m.def.result) });
  }
  for (const name of METHODS.keys()) if (!table.has(name)) throw new Error(`method ${name} is defined but has no handler`);
  return table;
}
