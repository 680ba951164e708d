import type { TSchema } from '@sinclair/typebox';
import { METHODS } from '../../src/protocol/methods/index.js';
import { ERROR_CATALOGUE, isErrorCode } from '../../src/protocol/error-catalogue.js';
import { compile, type Validator } from '../../src/protocol/schema.js';
import { scopeAllows } from '../../src/pairing/scope-lattice.js';

// What the gateway must answer to each fuzz frame, derived from protocol-v3.md §2-§3 and the method
// definitions, independently of src/gateway/connection.ts (which is what the fuzz test checks).

/** The precise outcome one frame must get. */
export type Expect =
  /**
   * A response carrying the frame's id: ok (when allowed) or an error whose details.code is one of codes.
   * With twoPhase, an ok response is only the acceptance, and exactly one more response follows.
   */
  | { t: 'res'; ok: boolean; codes: readonly string[]; twoPhase?: TwoPhase }
  /** No response; the socket closes with this code and reason. */
  | { t: 'close'; code: number; reason: string }
  /** A connect: hello-ok (when allowed), or an error in codes followed by the documented close. */
  | { t: 'handshake'; ok: boolean; codes: readonly string[]; reason?: string | RegExp };

export type Phase = 'pre' | 'post';

/**
 * OpenClaw's two-phase response (`agent`): the first ok response has payload.status `accepted`; when the
 * run ends, a second response with the same id follows: ok with payload.status `ok` and the same runId,
 * or an error with a code in finalCodes. Never a third.
 */
export interface TwoPhase {
  acceptedStatus: 'accepted';
  finalStatus: 'ok';
  finalCodes: readonly string[];
}

/** Codes a handshake may fail with (protocol-v3 §3). */
export const HANDSHAKE_CODES = [
  'HANDSHAKE_REQUIRED',
  'INVALID_CONNECT_PARAMS',
  'PROTOCOL_MISMATCH',
  'INVALID_ROLE',
  'ORIGIN_NOT_ALLOWED',
  'DEVICE_IDENTITY_REQUIRED',
  'DEVICE_AUTH_INVALID',
  'AUTH_TOKEN_MISSING',
  'AUTH_TOKEN_MISMATCH',
  'AUTH_DEVICE_TOKEN_MISMATCH',
  'AUTH_RATE_LIMITED',
  'DEVICE_CLOCK_SKEW',
  'PAIRING_REQUIRED',
  'DEVICE_TOKEN_ROTATED',
  'DEVICE_TOKEN_REVOKED',
  'DEVICE_REMOVED',
  'DEVICE_KEY_CHANGED',
  'PAIRING_ROLE_UPGRADE',
  'PAIRING_SCOPE_UPGRADE',
  'PAIRING_METADATA_UPGRADE',
  'PAIRING_REQUEST_EXPIRED',
  'PAIRING_REFUSED',
] as const;

/** Codes a well-formed call with valid params may still get from its handler: anything in the catalogue but an internal error or a check the dispatcher already passed. */
const HANDLER_CODES = Object.keys(ERROR_CATALOGUE).filter((c) => !['INTERNAL', 'INVALID_FRAME', 'UNKNOWN_METHOD', 'MISSING_SCOPE', 'CONNECT_REPEATED', 'HANDSHAKE_REQUIRED'].includes(c));

/** Methods answering twice with the same id (protocol: accepted, then the run's end). */
export const TWO_PHASE_METHODS: ReadonlySet<string> = new Set(['agent']);

const validators = new Map<string, Validator<TSchema>>();
function paramsValid(method: string, params: unknown): boolean {
  let v = validators.get(method);
  if (!v) validators.set(method, (v = compile(METHODS.get(method)!.params)));
  return v.check(params);
}

const res = (ok: boolean, codes: readonly string[]): Expect => ({ t: 'res', ok, codes });
const close = (code: number, reason = ''): Expect => ({ t: 'close', code, reason });

/** A frame is a request when it is exactly {type:'req', id, method, params?} with bounded strings. */
function requestShape(v: unknown): { valid: boolean; idValid: boolean } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { valid: false, idValid: false };
  const o = v as Record<string, unknown>;
  const bounded = (x: unknown) => typeof x === 'string' && x.length >= 1 && x.length <= 256;
  const idValid = bounded(o['id']);
  const keysOk = Object.keys(o).every((k) => k === 'type' || k === 'id' || k === 'method' || k === 'params');
  return { valid: keysOk && o['type'] === 'req' && idValid && bounded(o['method']), idValid };
}

/** The outcome of a well-formed request after the handshake, for a session holding `scopes`. */
export function callOutcome(method: string, params: unknown, scopes: readonly string[]): Expect {
  if (method === 'connect') return res(false, ['CONNECT_REPEATED']);
  const def = METHODS.get(method);
  if (!def) return res(false, ['UNKNOWN_METHOD']);
  if (!def.roles.includes('operator')) return res(false, ['UNAUTHORIZED_ROLE']);
  if (def.scope !== null && !scopeAllows(scopes, def.scope)) return res(false, ['MISSING_SCOPE']);
  if (!paramsValid(method, params)) return res(false, ['INVALID_PARAMS']);
  if (TWO_PHASE_METHODS.has(method)) return { t: 'res', ok: true, codes: HANDLER_CODES, twoPhase: { acceptedStatus: 'accepted', finalStatus: 'ok', finalCodes: HANDLER_CODES } };
  return res(true, HANDLER_CODES);
}

/** The outcome of one WebSocket message (text, or binary decoded as UTF-8 like the gateway does). */
export function frameOutcome(data: string | Buffer, phase: Phase, scopes: readonly string[]): Expect {
  let v: unknown;
  try {
    v = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch {
    // protocol-v3 §2.1: unparseable JSON before the handshake gets a plain 1000; after it, a policy close.
    return phase === 'pre' ? close(1000) : close(1008, 'invalid request frame: malformed JSON');
  }
  const shape = requestShape(v);
  if (!shape.valid) return phase === 'post' && shape.idValid ? res(false, ['INVALID_FRAME']) : close(1008, 'invalid request frame');
  const { method, params } = v as { method: string; params?: unknown };
  if (phase === 'pre') return method === 'connect' ? { t: 'handshake', ok: true, codes: HANDSHAKE_CODES } : { t: 'handshake', ok: false, codes: ['HANDSHAKE_REQUIRED'] };
  return callOutcome(method, params, scopes);
}

/** The close protocol-v3 §3 documents after a rejected connect with this error. */
export function handshakeClose(code: string, message: string): { code: number; matches: (reason: string) => boolean; expected: string } {
  const exactly = (closeCode: number, text: string) => ({ code: closeCode, matches: (r: string) => r === text, expected: text });
  switch (code) {
    case 'PROTOCOL_MISMATCH':
      return exactly(1002, 'protocol mismatch');
    case 'DEVICE_IDENTITY_REQUIRED':
      return exactly(1008, 'device identity required');
    case 'ORIGIN_NOT_ALLOWED':
      return exactly(1008, 'origin not allowed');
    case 'INVALID_ROLE':
      return exactly(1008, 'invalid role');
    case 'HANDSHAKE_REQUIRED':
      return exactly(1008, 'invalid handshake: first request must be connect');
    case 'PAIRING_REQUIRED': {
      const re = /^pairing required: run clawgate devices approve [0-9a-f]{8}$/;
      return { code: 1008, matches: (r) => re.test(r), expected: String(re) };
    }
    case 'DEVICE_TOKEN_ROTATED':
    case 'DEVICE_TOKEN_REVOKED':
    case 'DEVICE_REMOVED':
    case 'DEVICE_KEY_CHANGED':
    case 'PAIRING_ROLE_UPGRADE':
    case 'PAIRING_SCOPE_UPGRADE':
    case 'PAIRING_METADATA_UPGRADE':
    case 'PAIRING_REQUEST_EXPIRED': {
      // The cause first, then the words OpenClaw clients look for and the whole command.
      const re = /^[a-z ]+; pairing required: run clawgate devices approve [0-9a-f]{8}$/;
      return { code: 1008, matches: (r) => re.test(r), expected: String(re) };
    }
    case 'DEVICE_CLOCK_SKEW': {
      const re = /^device signature expired \(clock skew [+-]\d+ s\)$/;
      return { code: 1008, matches: (r) => re.test(r), expected: String(re) };
    }
    default:
      // The message itself (or its first clause), truncated to 120 bytes on a character boundary.
      return { code: 1008, matches: (r) => r.length > 0 && Buffer.byteLength(r) <= 120 && message.startsWith(r), expected: `a prefix (<= 120 bytes) of "${message.slice(0, 60)}..."` };
  }
}

/** Problems with an error shape: a catalogue code, the wire code the catalogue gives it, a message. */
export function errorShapeProblems(error: unknown): string[] {
  const e = error as { code?: unknown; message?: unknown; details?: { code?: unknown } } | undefined;
  const code = e?.details?.code;
  if (!isErrorCode(code)) return [`details.code ${JSON.stringify(code)} is not in the catalogue`];
  const problems: string[] = [];
  if (e!.code !== ERROR_CATALOGUE[code].wire) problems.push(`wire code ${String(e!.code)} for ${code} (catalogue: ${ERROR_CATALOGUE[code].wire})`);
  if (typeof e!.message !== 'string' || e!.message === '') problems.push(`${code} without a message`);
  return problems;
}
