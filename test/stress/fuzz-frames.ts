import { randomBytes, randomUUID } from 'node:crypto';
import { METHODS } from '../../src/protocol/methods/index.js';
import { OPERATOR_SCOPES } from '../../src/protocol/scopes.js';
import { MAX_PAYLOAD_BYTES } from '../../src/protocol/limits.js';
import { connectParams, type ConnectSpec, type TestDevice } from '../helpers/raw-client.js';
import { HANDSHAKE_CODES, type Expect } from './fuzz-oracle.js';
import { deepJson, fromSchema, hugeString, mutate, randomString, randomValue, wrongTypeFor } from './fuzz-values.js';
import type { Rng } from './prng.js';

/** One message to send. `expect` is set only where the generic oracle (fuzz-oracle.ts frameOutcome) does not apply. */
export interface Message {
  data: string | Buffer;
  binary: boolean;
  label: string;
  expect?: Expect;
}

/** A connect to send once the challenge nonce is known, with its expected outcome. */
export interface ConnectPlan {
  label: string;
  scopes: string[];
  build(nonce: string): string;
  expect: Expect;
}

/** How often a frame carries a huge string (1-4 MB) or deep nesting (1,000-100,000 levels). */
export const HUGE_PROBABILITY = 1 / 2500;
export const DEEP_PROBABILITY = 1 / 400;
const METHOD_NAMES = [...METHODS.keys()];
const HANDSHAKE_ANY: Expect = { t: 'handshake', ok: true, codes: [] };
const connectText = (params: unknown, id = 'c') => JSON.stringify({ type: 'req', id, method: 'connect', params });
const huge = (r: Rng) => hugeString(r, r.int(1_000_000, 4_000_000));

/** Scopes for a session: mostly admin, sometimes narrower (so MISSING_SCOPE outcomes are exercised). */
export function pickScopes(r: Rng): string[] {
  const x = r.next();
  if (x < 0.6) return ['operator.admin'];
  if (x < 0.7) return ['operator.read'];
  if (x < 0.8) return ['operator.pairing'];
  if (x < 0.85) return [];
  return OPERATOR_SCOPES.filter(() => r.chance(0.3));
}

/** A valid device-less connect with the gateway token: the socket then carries a batch of requests. */
export function sessionConnect(r: Rng, token: string): ConnectPlan {
  const scopes = pickScopes(r);
  return { label: `session ${JSON.stringify(scopes)}`, scopes, build: (nonce) => connectText(connectParams({ auth: { token }, scopes, clientId: 'fuzz', clientMode: 'fuzz' }, nonce)), expect: { t: 'handshake', ok: true, codes: [] } };
}

/** Set a value at a key path inside connect params (creating objects on the way). */
function setPath(params: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let o = params;
  for (const key of path.slice(0, -1)) {
    if (typeof o[key] !== 'object' || o[key] === null) o[key] = {};
    o = o[key] as Record<string, unknown>;
  }
  o[path[path.length - 1]!] = value;
}

const TYPED_PATHS: readonly (readonly string[])[] = [['minProtocol'], ['maxProtocol'], ['client'], ['client', 'id'], ['client', 'mode'], ['client', 'version'], ['client', 'platform'], ['role'], ['scopes'], ['caps'], ['auth'], ['auth', 'token']];
const DEVICE_PATHS: readonly (readonly string[])[] = [['device'], ['device', 'id'], ['device', 'publicKey'], ['device', 'signature'], ['device', 'signedAt'], ['device', 'nonce']];

/** A connect with one field mutated; most mutations have one precise documented outcome. */
export function mutatedConnect(r: Rng, token: string, pool: readonly TestDevice[]): ConnectPlan {
  const device = r.pick(pool);
  const plain: ConnectSpec = { auth: { token }, scopes: ['operator.read'], clientId: 'fuzz', clientMode: 'fuzz' };
  const signed: ConnectSpec = { device, scopes: ['operator.read'], clientId: 'fuzz', clientMode: 'fuzz' };
  const plan = (label: string, spec: ConnectSpec, expect: Expect): ConnectPlan => ({ label, scopes: spec.scopes ?? [], build: (nonce) => connectText(connectParams(spec, nonce)), expect });
  const reject = (code: string, reason?: string): Expect => ({ t: 'handshake', ok: false, codes: [code], ...(reason !== undefined ? { reason } : {}) });
  const invalid = reject('INVALID_CONNECT_PARAMS');
  switch (r.int(0, 16)) {
    case 0: {
      const v = r.pick([1, 2, 4, 5, 99]);
      return plan(`protocol ${v}`, { ...plain, minProtocol: v, maxProtocol: v === 1 ? 2 : v }, reject('PROTOCOL_MISMATCH'));
    }
    case 1: {
      const role = randomString(r, 32).slice(0, 32);
      if (role === 'operator' || role === 'node') return plan('role operator', plain, HANDSHAKE_ANY);
      return plan('bad role', { ...plain, role }, reject('INVALID_ROLE', 'invalid role'));
    }
    case 2:
      return plan('wrong gateway token', { ...plain, auth: { token: randomBytes(32).toString('base64url') } }, reject('AUTH_TOKEN_MISMATCH', 'unauthorized: gateway token mismatch (provide gateway auth token)'));
    case 3:
      return plan('no auth, no device', { scopes: [], clientMode: 'fuzz' }, reject('DEVICE_IDENTITY_REQUIRED', 'device identity required'));
    case 4: {
      const path = r.pick(TYPED_PATHS);
      return plan(`wrong type at ${path.join('.')}`, { ...plain, tamper: (p) => setPath(p, path, wrongTypeFor(r, path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], p))) }, invalid);
    }
    case 5: {
      const path = r.pick(DEVICE_PATHS);
      return plan(`wrong type at ${path.join('.')}`, { ...signed, tamper: (p) => setPath(p, path, wrongTypeFor(r, path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], p))) }, invalid);
    }
    case 6:
      return plan('extra key', { ...plain, tamper: (p) => setPath(p, r.chance(0.5) ? ['x-extra'] : ['client', 'x-extra'], randomValue(r)) }, invalid);
    case 7:
      return plan('33 scopes', { ...plain, scopes: Array.from({ length: 33 }, () => 'operator.read') }, invalid);
    case 8:
      if (r.chance(HUGE_PROBABILITY * 200)) return plan('huge client.id', { ...plain, tamper: (p) => setPath(p, ['client', 'id'], huge(r)) }, invalid);
      return { label: 'deep params', scopes: [], build: () => `{"type":"req","id":"c","method":"connect","params":${deepJson(r, r.int(1_000, 10_000))}}`, expect: invalid };
    case 9:
      // A pool device without the token: pending, unless some fuzz call approved it meanwhile (then it is paired and
      // sent no token). A fuzz call may also have removed it, revoked or rotated its token, or left its request to
      // expire: each is named by its own code.
      return plan('unpaired device', signed, { t: 'handshake', ok: true, codes: ['PAIRING_REQUIRED', 'AUTH_TOKEN_MISSING', 'DEVICE_REMOVED', 'DEVICE_TOKEN_ROTATED', 'DEVICE_TOKEN_REVOKED', 'PAIRING_REQUEST_EXPIRED'] });
    case 10:
      return plan('device with token', { ...signed, auth: { token } }, HANDSHAKE_ANY);
    case 11:
      return plan('nonce mismatch', { ...signed, nonce: randomUUID() }, reject('DEVICE_AUTH_INVALID', 'device nonce mismatch'));
    case 12:
      return plan('stale signature', { ...signed, signedAt: Date.now() - 10 * 60_000 }, reject('DEVICE_CLOCK_SKEW'));
    case 13:
      return plan('bad signature', { ...signed, tamper: (p) => setPath(p, ['device', 'signature'], randomBytes(64).toString('base64url')) }, reject('DEVICE_AUTH_INVALID', 'device signature invalid'));
    case 14: {
      const other = pool.find((d) => d !== device)!;
      return plan('device id mismatch', { ...signed, tamper: (p) => setPath(p, ['device', 'id'], other.deviceId) }, reject('DEVICE_AUTH_INVALID', 'device identity mismatch'));
    }
    case 15:
      return plan('bad public key', { ...signed, tamper: (p) => setPath(p, ['device', 'publicKey'], 'AAAA') }, reject('DEVICE_AUTH_INVALID', 'device public key invalid'));
    default: {
      // Anything at any path: one of the documented rejections, or hello-ok when the value happens to fit.
      const path = r.pick([...TYPED_PATHS, ...DEVICE_PATHS, ['x-any'], ['client', 'displayName'], ['device', 'x-any']]);
      const codes = HANDSHAKE_CODES.filter((c) => c !== 'HANDSHAKE_REQUIRED');
      return plan(`random value at ${path.join('.')}`, { ...(r.chance(0.5) ? plain : signed), tamper: (p) => setPath(p, path, randomValue(r)) }, { t: 'handshake', ok: true, codes });
    }
  }
}

/**
 * Longest agent.wait timeoutMs the fuzzer sends. agent.wait on a run it does not know (nearly every fuzzed
 * runId) waits out its whole timeoutMs: up to AGENT_WAIT_MAX_MS (10 minutes), AGENT_WAIT_DEFAULT_MS (30 s)
 * when absent, both beyond the fuzz's hang bound. The generator is bounded instead of the probe waiting
 * longer: minutes-long waits would park a socket's whole batch (and its in-flight slots) and stretch the run
 * to hours, and each frame would still only prove what one short wait proves (an answer, its precise
 * outcome). The long wait itself is agent.wait's own tests' business.
 */
export const AGENT_WAIT_FUZZ_MAX_MS = 1000;

/** agent.wait params with timeoutMs present and within AGENT_WAIT_FUZZ_MAX_MS (wrong-typed values stay, so invalid params stay invalid). */
function boundWait(r: Rng, v: unknown): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  const t = (v as Record<string, unknown>)['timeoutMs'];
  if (t === undefined || (typeof t === 'number' && t > AGENT_WAIT_FUZZ_MAX_MS)) return { ...v, timeoutMs: r.int(0, AGENT_WAIT_FUZZ_MAX_MS) };
  return v;
}

/** Params for a method: shaped by its schema, mutated, random, absent, huge or deeply nested (as JSON text). */
function paramsText(r: Rng, method: string, ids: readonly string[]): string | undefined {
  const schema = METHODS.get(method)?.params;
  if (r.chance(HUGE_PROBABILITY)) return JSON.stringify({ [r.pick(['requestId', 'deviceId', 'role', 'cursor', 'x'])]: huge(r) });
  if (r.chance(DEEP_PROBABILITY)) return deepJson(r, r.int(1_000, 100_000));
  const x = r.next();
  if (x < 0.1) return undefined;
  let v: unknown;
  if (x < 0.45 && schema) v = fromSchema(schema, r, ids);
  else if (x < 0.8 && schema) v = mutate(r, fromSchema(schema, r, ids));
  else v = randomValue(r);
  if (method === 'agent.wait') v = boundWait(r, v);
  return v === undefined ? undefined : JSON.stringify(v);
}

function request(id: string, method: string, params: string | undefined): string {
  return `{"type":"req","id":${JSON.stringify(id)},"method":${JSON.stringify(method)}${params === undefined ? '' : `,"params":${params}`}}`;
}

/** A message after the handshake that carries a valid id, so it must get a response (never a close). */
export function answerable(r: Rng, id: string, ids: readonly string[]): Message {
  const x = r.next();
  if (x < 0.7) {
    const method = r.pick(METHOD_NAMES);
    return { data: request(id, method, paramsText(r, method, ids)), binary: r.chance(0.1), label: `call ${method}` };
  }
  if (x < 0.8) {
    const method = r.chance(0.2) ? 'x'.repeat(256) : `${r.pick(['', 'device.', 'gateway.', 'logs.'])}${randomString(r, 30)}` || 'nope';
    return { data: request(id, method, paramsText(r, r.pick(METHOD_NAMES), ids)), binary: false, label: 'unknown method' };
  }
  if (x < 0.85) return { data: request(id, 'connect', JSON.stringify(randomValue(r))), binary: false, label: 'connect again' };
  const frame: Record<string, unknown> = { type: 'req', id, method: r.pick(METHOD_NAMES) };
  const variant = r.int(0, 5);
  if (variant === 0) frame[`x-${randomString(r, 8)}`] = randomValue(r);
  else if (variant === 1) delete frame['method'];
  else if (variant === 2) frame['method'] = wrongTypeFor(r, 'x');
  else if (variant === 3) frame['method'] = r.chance(0.5) ? '' : 'm'.repeat(257);
  else if (variant === 4) frame['type'] = r.pick(['res', 'event', 'REQ', 1, null]);
  else frame['params'] = randomValue(r);
  return { data: JSON.stringify(frame), binary: false, label: `invalid frame (variant ${variant})` };
}

/** A message that must end the socket: unparseable, without a usable id, not UTF-8, or too big. */
export function closing(r: Rng, phase: 'pre' | 'post', oversize: boolean): Message {
  if (oversize) return { data: Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x20), binary: true, label: 'oversize frame', expect: { t: 'close', code: 1009, reason: '' } };
  const x = r.int(0, phase === 'pre' ? 7 : 5);
  switch (x) {
    case 0:
      return { data: r.pick(['{', '{"type":"req","id":"z","method":"health"', 'nul', '[1,]', '']) + (r.chance(0.5) ? randomString(r) : ''), binary: false, label: 'malformed JSON' };
    case 1:
      return { data: randomBytes(r.int(1, 2000)), binary: true, label: 'binary garbage' };
    case 2: {
      const bad = Buffer.concat([Buffer.from('{"type":"req","id":"u","method":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
      return { data: bad, binary: false, label: 'text frame with invalid UTF-8', expect: { t: 'close', code: 1007, reason: '' } };
    }
    case 3:
      return { data: JSON.stringify({ type: 'req', method: 'health', ...(r.chance(0.5) ? { id: r.pick([5, '', 'i'.repeat(257), null, ['a']]) } : {}) }), binary: false, label: 'request without a usable id' };
    case 4:
      return { data: r.chance(HUGE_PROBABILITY * 50) ? JSON.stringify(huge(r)) : deepJson(r, r.int(1_000, 10_000)), binary: r.chance(0.3), label: 'deep or huge non-request' };
    case 5:
      return { data: JSON.stringify(randomValue(r)), binary: false, label: 'random JSON' };
    default:
      // Before the handshake only: a request other than connect.
      return { data: request('h', r.chance(0.7) ? r.pick(METHOD_NAMES) : randomString(r, 20) || 'x', paramsText(r, r.pick(METHOD_NAMES), [])), binary: false, label: 'request before the handshake' };
  }
}
