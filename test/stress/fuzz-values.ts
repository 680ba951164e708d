import { Kind, type TSchema } from '@sinclair/typebox';
import type { Rng } from './prng.js';

/** Strings the fuzzer mixes in so random params sometimes hit real ids, roles and scopes. */
export const INTERESTING_STRINGS: string[] = [
  '',
  ' ',
  'operator',
  'node',
  'operator.admin',
  'operator.read',
  'operator.pairing',
  'operator.write',
  '__proto__',
  'constructor',
  '0',
  'a',
  'ff',
  '%s%n',
  '\u0000',
  '\ud83d\ude00',
  '\u202e',
  '../../etc/passwd',
  "' OR 1=1 --",
];

const ALPHABETS = ['0123456789abcdef', 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ._-', '\u00e9\u4e2d\u0416\u2603\ud83d\udca9 \t\n"\\/{}[]:,'];

/** A random string: mostly short, hex-ish (to hit id prefixes), sometimes odd characters. */
export function randomString(r: Rng, maxLength = 40): string {
  if (r.chance(0.25)) return r.pick(INTERESTING_STRINGS);
  const alphabet = r.pick(ALPHABETS);
  const n = r.int(0, maxLength);
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[r.int(0, alphabet.length - 1)];
  return s;
}

/** A string of `bytes` ASCII bytes (the fuzzer's "huge string"). */
export function hugeString(r: Rng, bytes: number): string {
  return String.fromCharCode(97 + r.int(0, 25)).repeat(bytes);
}

/** `[[[...]]]` (or `{"a":{"a":...}}`) nested `depth` levels, as JSON text. */
export function deepJson(r: Rng, depth: number): string {
  return r.chance(0.5) ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** Any JSON value, bounded in size. */
export function randomValue(r: Rng, depth = 0): unknown {
  const x = r.int(0, depth > 3 ? 6 : 8);
  switch (x) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.int(-1_000_000, 1_000_000);
    case 3:
      return r.pick([0, -0, 1.5, -1, 2 ** 53, 1e308, -1e-308, 4_294_967_296]);
    case 4:
    case 5:
    case 6:
      return randomString(r);
    case 7:
      return Array.from({ length: r.int(0, 5) }, () => randomValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = r.int(0, 5); i > 0; i--) o[randomString(r, 12)] = randomValue(r, depth + 1);
      return o;
    }
  }
}

/** A value of a different JSON type than `v` (so a mutation is certain to break a typed field). */
export function wrongTypeFor(r: Rng, v: unknown): unknown {
  const candidates: unknown[] = [null, true, 42, 1.5, 'x', [], [1, 'a'], {}, { k: 'v' }];
  const type = (x: unknown) => (Array.isArray(x) ? 'array' : x === null ? 'null' : Number.isInteger(x) ? 'integer' : typeof x);
  const others = candidates.filter((c) => type(c) !== type(v) && !(type(v) === 'number' && type(c) === 'integer'));
  return r.pick(others);
}

interface SchemaLike {
  [Kind]?: string;
  properties?: Record<string, TSchema>;
  required?: string[];
  anyOf?: TSchema[];
  items?: TSchema;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  const?: unknown;
  minimum?: number;
}

/** A value shaped by a TypeBox schema (usually valid; bounds are honoured loosely). Unknown kinds get random JSON. */
export function fromSchema(schema: TSchema, r: Rng, ids: readonly string[], depth = 0): unknown {
  const s = schema as SchemaLike;
  switch (s[Kind]) {
    case 'Object': {
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(s.properties ?? {})) {
        if ((s.required ?? []).includes(key) || r.chance(0.5)) {
          const v = fromSchema(sub, r, ids, depth + 1);
          if (v !== undefined) out[key] = v;
        }
      }
      return out;
    }
    case 'Union':
      return fromSchema(r.pick(s.anyOf ?? []), r, ids, depth);
    case 'Undefined':
      return undefined;
    case 'String': {
      // Real ids (and prefixes of them) now and then, so handlers reach past "unknown id".
      if (ids.length > 0 && r.chance(0.3)) {
        const id = r.pick(ids);
        return r.chance(0.5) ? id : id.slice(0, r.int(1, 12));
      }
      const v = randomString(r, Math.min(s.maxLength ?? 40, 40));
      return v.length >= (s.minLength ?? 0) ? v : 'x'.repeat(s.minLength ?? 1);
    }
    case 'Array':
      return depth > 4 ? [] : Array.from({ length: r.int(0, Math.min(s.maxItems ?? 4, 4)) }, () => fromSchema(s.items!, r, ids, depth + 1));
    case 'Boolean':
      return r.chance(0.5);
    case 'Integer':
      return r.int(s.minimum ?? 0, 1_000_000);
    case 'Number':
      return r.next() * 1000;
    case 'Literal':
      return s.const;
    default:
      return randomValue(r, depth);
  }
}

/** A mutation of a (usually valid) params value: a wrong-typed field, a dropped or extra key, or a wrapper. */
export function mutate(r: Rng, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || r.chance(0.15)) return r.chance(0.5) ? wrongTypeFor(r, value) : [value];
  const o = { ...(value as Record<string, unknown>) };
  const keys = Object.keys(o);
  const x = r.int(0, 2);
  if (x === 0 && keys.length > 0) {
    const key = r.pick(keys);
    o[key] = wrongTypeFor(r, o[key]);
  } else if (x === 1 && keys.length > 0) delete o[r.pick(keys)];
  else o[randomString(r, 12) || 'extra'] = randomValue(r);
  return o;
}
