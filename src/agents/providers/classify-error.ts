import type { Secret } from '../../auth/secret.js';
import { ProviderError, type ProviderErrorClass } from '../types.js';
import { REDACTED } from '../../protocol/redaction.js';

/** Longest retry-after we honour; a provider asking for more gets this (the owner can reset earlier). */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;
/** The provider's message is cut to this many characters in `detail`. */
export const DETAIL_MESSAGE_MAX = 200;
/** The provider's error type/code is cut to this many characters. */
const TYPE_MAX = 60;

/** 403 bodies that mean an account problem rather than a rejected key. */
const BILLING_OR_QUOTA = /billing|insufficient[_ ]quota|quota|credit|payment/i;
/** 400/429 bodies that mean the account is out of money, not that the request or rate was wrong. */
const BILLING = /billing|insufficient[_ ]quota|credit|payment required/i;
/** Statuses of a provider failing on its side (529: Anthropic's overloaded). */
const OVERLOADED_STATUSES = new Set([500, 502, 503, 504, 529]);
const BAD_REQUEST_STATUSES = new Set([400, 404, 413, 422]);
/** Node / undici error codes of an unreachable endpoint. */
const NETWORK_CODES =
  /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|ECONNABORTED|UND_ERR_\w+)$/;
/** Provider error types sent without an HTTP status (errors inside a stream). */
const CLASS_BY_TYPE: Readonly<Record<string, ProviderErrorClass>> = {
  authentication_error: 'auth',
  invalid_api_key: 'auth',
  permission_error: 'auth',
  billing_error: 'billing',
  insufficient_quota: 'billing',
  rate_limit_error: 'rate_limit',
  rate_limit_exceeded: 'rate_limit',
  overloaded_error: 'overloaded',
  api_error: 'overloaded',
  server_error: 'overloaded',
  invalid_request_error: 'bad_request',
  not_found_error: 'bad_request',
  request_too_large: 'bad_request',
};

/** Who failed and which key to scrub from anything the provider echoed back. */
export interface ClassifyContext {
  readonly providerId: string;
  readonly apiKey?: Secret | undefined;
}

/** True for the abort of our own signal, in each form the SDKs and fetch throw it. */
export function isAbortError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; constructor?: { name?: unknown } };
  return e.name === 'AbortError' || e.name === 'APIUserAbortError' || e.constructor?.name === 'APIUserAbortError';
}

/** The error a provider's stream rejects with when the request's signal aborted. */
export function abortErrorFrom(signal: AbortSignal): Error {
  const err = new Error('The model request was aborted', { cause: signal.reason });
  err.name = 'AbortError';
  return err;
}

/**
 * Map anything a provider call threw to a ProviderError. Aborts are re-thrown unchanged: an abort is our
 * own decision (user or run timeout), never a provider fault.
 */
export function classifyProviderError(err: unknown, ctx: ClassifyContext): ProviderError {
  if (err instanceof ProviderError) return err;
  if (isAbortError(err)) throw err;
  const key = ctx.apiKey?.reveal();
  const make = (errorClass: ProviderErrorClass, detail: string, status?: number, retryAfterMs?: number): ProviderError =>
    new ProviderError({
      providerId: ctx.providerId,
      errorClass,
      detail: scrubSecrets(detail, key),
      ...(status !== undefined ? { status } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });

  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as Record<string, unknown>;
  const name = errorName(e);
  if (name === 'APIConnectionTimeoutError') return make('network', 'timeout: the provider did not answer in time');
  if (name === 'APIConnectionError') return make('network', networkDetail(e));
  if (err instanceof SyntaxError) return make('invalid_response', `invalid_response: the stream was not valid JSON (${err.message})`);

  const status = typeof e.status === 'number' ? e.status : undefined;
  const info = providerInfo(e, status);
  // Scrub before cutting, so a key straddling the cut cannot survive half-visible.
  const said = (): string => `${truncate(scrubSecrets(info.type, key), TYPE_MAX)}: ${truncate(scrubSecrets(info.message, key), DETAIL_MESSAGE_MAX) || '(no message)'}`;
  if (status !== undefined) {
    const errorClass = classForStatus(status, info);
    const retryAfterMs = parseRetryAfterMs(e.headers);
    return make(errorClass, `HTTP ${status} ${said()}`, status, retryAfterMs);
  }
  if (isApiErrorShape(e)) {
    // An error event inside a 200 stream: classify by the provider's error type.
    const errorClass = CLASS_BY_TYPE[info.code] ?? CLASS_BY_TYPE[info.rawType] ?? 'invalid_response';
    return make(errorClass, `stream ${said()}`);
  }
  const code = networkCode(e);
  if (code !== undefined) return make('network', networkDetail(e));
  if (/timed? ?out/i.test(String(e.message ?? ''))) return make('network', 'timeout: the provider did not answer in time');
  return make('invalid_response', `unexpected: ${truncate(scrubSecrets(oneLine(String(e.message ?? name)), key), DETAIL_MESSAGE_MAX)}`);
}

function classForStatus(status: number, info: ProviderInfo): ProviderErrorClass {
  const said = `${info.type} ${info.code} ${info.message}`;
  if (status === 401) return 'auth';
  if (status === 402) return 'billing';
  if (status === 403) return BILLING_OR_QUOTA.test(said) ? 'billing' : 'auth';
  if (status === 429) return BILLING.test(said) ? 'billing' : 'rate_limit';
  if (status === 400) return BILLING.test(said) ? 'billing' : 'bad_request';
  if (status === 408) return 'network';
  if (BAD_REQUEST_STATUSES.has(status)) return 'bad_request';
  if (OVERLOADED_STATUSES.has(status) || status >= 500 || info.type === 'overloaded_error') return 'overloaded';
  return 'bad_request';
}

interface ProviderInfo {
  /** Type with the code beside it when they differ, for the detail. */
  readonly type: string;
  readonly rawType: string;
  readonly code: string;
  readonly message: string;
}

/**
 * The provider's error type, code and message from an SDK error. OpenAI's SDK keeps the inner `error`
 * object; Anthropic's keeps the whole body `{type:'error', error:{type, message}}`. A body that was not
 * JSON only survives in the SDK's message (`<status> <text>`).
 */
function providerInfo(e: Record<string, unknown>, status: number | undefined): ProviderInfo {
  const body = e.error;
  let inner: Record<string, unknown> | undefined;
  if (typeof body === 'object' && body !== null) {
    const b = body as Record<string, unknown>;
    inner = typeof b.error === 'object' && b.error !== null ? (b.error as Record<string, unknown>) : b;
  }
  const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
  const type = str(inner?.type) || str(inner?.code) || 'error';
  const code = str(inner?.code);
  let message = str(inner?.message);
  if (inner === undefined) message = textBodyFrom(str(e.message), status);
  return { type: code && code !== type ? `${type} (${code})` : type, rawType: type, code, message: oneLine(stripTags(message)) };
}

/** The body text the SDKs folded into their message, without their `<status> ` prefix and no-body filler. */
function textBodyFrom(message: string, status: number | undefined): string {
  let text = message;
  if (status !== undefined && text.startsWith(`${status} `)) text = text.slice(String(status).length + 1);
  if (/^status code \(no body\)$|^\(no status code or body\)$/.test(text)) return '';
  return text;
}

function isApiErrorShape(e: Record<string, unknown>): boolean {
  return typeof e.error === 'object' && e.error !== null && 'headers' in e;
}

function errorName(e: Record<string, unknown>): string {
  const ctor = (e as { constructor?: { name?: unknown } }).constructor?.name;
  if (ctor === 'APIConnectionTimeoutError' || ctor === 'APIConnectionError') return ctor;
  return typeof e.name === 'string' ? e.name : String(ctor ?? 'Error');
}

/** The first Node/undici network code in the cause chain. */
function networkCode(e: unknown): string | undefined {
  let terminated = false;
  for (let cur = e, depth = 0; typeof cur === 'object' && cur !== null && depth < 6; depth++) {
    const c = cur as { code?: unknown; cause?: unknown; message?: unknown };
    if (typeof c.code === 'string' && NETWORK_CODES.test(c.code)) return c.code;
    // undici's "terminated": the socket closed mid-body, whatever the cause says.
    if (c.message === 'terminated') terminated = true;
    cur = c.cause;
  }
  return terminated ? 'ECONNRESET' : undefined;
}

function networkDetail(e: Record<string, unknown>): string {
  const code = networkCode(e);
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host not found (DNS)',
    EAI_AGAIN: 'DNS lookup failed',
    ETIMEDOUT: 'connection timed out',
  };
  return code ? `network ${code}: ${words[code] ?? 'connection failed'}` : 'network: connection failed';
}

/** Parse retry-after-ms / retry-after (seconds or HTTP date) into ms, bounded by MAX_RETRY_AFTER_MS. */
export function parseRetryAfterMs(headers: unknown, nowMs: number = Date.now()): number | undefined {
  const get = (name: string): string | undefined => {
    if (typeof headers !== 'object' || headers === null) return undefined;
    const h = headers as { get?: unknown } & Record<string, unknown>;
    const v = typeof h.get === 'function' ? (h.get as (n: string) => unknown)(name) : h[name];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  let ms: number | undefined;
  const msHeader = get('retry-after-ms');
  if (msHeader !== undefined && Number.isFinite(Number(msHeader))) ms = Number(msHeader);
  const secHeader = get('retry-after');
  if (ms === undefined && secHeader !== undefined) {
    if (Number.isFinite(Number(secHeader))) ms = Number(secHeader) * 1000;
    else if (!Number.isNaN(Date.parse(secHeader))) ms = Date.parse(secHeader) - nowMs;
  }
  if (ms === undefined || ms < 0) return undefined;
  return Math.min(Math.round(ms), MAX_RETRY_AFTER_MS);
}

/**
 * Remove key-like material from text the provider or the network stack produced: the configured key,
 * `sk-…` keys (also OpenAI's masked echo), bearer tokens, credentials in URLs and long base64/hex runs.
 */
export function scrubSecrets(text: string, key?: string): string {
  let out = text;
  if (key !== undefined && key.length >= 4) out = out.split(key).join(REDACTED);
  return out
    .replace(/\b(\w[\w+.-]*:\/\/)[^\s/@]+@/g, `$1${REDACTED}@`)
    .replace(/([?&](?:api[_-]?key|key|token|access_token|auth)=)[^&\s]+/gi, `$1${REDACTED}`)
    .replace(/Bearer\s+\S+/gi, `Bearer ${REDACTED}`)
    .replace(/\bsk-[\w*.-]{4,}/g, `sk-${REDACTED}`)
    .replace(/\b[0-9a-fA-F]{24,}\b/g, REDACTED)
    .replace(/[A-Za-z0-9_+=]{32,}/g, REDACTED);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** HTML error pages (proxies, gateways): keep their words, not their markup. */
function stripTags(text: string): string {
  return text.replace(/<[^>]*>/g, ' ');
}
