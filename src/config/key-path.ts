import { ClawgateError } from '../protocol/error-catalogue.js';

type Obj = Record<string, unknown>;

function parse(path: string): string[] {
  const parts = path.split('.');
  if (path.trim() === '' || parts.some((p) => p === '' || p === '__proto__' || p === 'constructor' || p === 'prototype')) {
    throw new ClawgateError('USAGE', `invalid config key path "${path}": use dotted keys like gateway.port`);
  }
  return parts;
}

/** Value at a dotted path, or undefined. */
export function getPath(root: unknown, path: string): unknown {
  let cur: unknown = root;
  for (const key of parse(path)) {
    if (typeof cur !== 'object' || cur === null || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Obj)[key];
  }
  return cur;
}

/** A copy of root with value set at path, creating objects on the way. */
export function setPath<T>(root: T, path: string, value: unknown): T {
  const keys = parse(path);
  const copy = structuredClone(root ?? {}) as Obj;
  let cur = copy;
  for (const key of keys.slice(0, -1)) {
    const next = cur[key];
    if (next === undefined) cur[key] = {};
    else if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      throw new ClawgateError('USAGE', `cannot set ${path}: ${key} is not an object`);
    }
    cur = cur[key] as Obj;
  }
  cur[keys[keys.length - 1]!] = value;
  return copy as T;
}

/** A copy of root without path; empty parent objects are pruned. */
export function unsetPath<T>(root: T, path: string): { result: T; removed: boolean } {
  const keys = parse(path);
  const copy = structuredClone(root ?? {}) as Obj;
  const chain: Obj[] = [copy];
  let cur: Obj = copy;
  for (const key of keys.slice(0, -1)) {
    const next = cur[key];
    if (typeof next !== 'object' || next === null) return { result: copy as T, removed: false };
    cur = next as Obj;
    chain.push(cur);
  }
  const last = keys[keys.length - 1]!;
  if (!Object.hasOwn(cur, last)) return { result: copy as T, removed: false };
  delete cur[last];
  for (let i = chain.length - 1; i > 0; i--) {
    if (Object.keys(chain[i]!).length === 0) delete chain[i - 1]![keys[i - 1]!];
  }
  return { result: copy as T, removed: true };
}
