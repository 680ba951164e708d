import { REDACTED } from '../protocol/redaction.js';

/**
 * Scrubbing of log entries, applied at the sink (every line, before it reaches a file or the console)
 * and again when lines are read back. Three nets: secret-named fields, the current secret values, and
 * anything shaped like a token, so a secret logged by mistake under an innocent name still never lands.
 */

/** What a scrubbed value is replaced with: the one placeholder shape (protocol/redaction.ts). */
export { REDACTED };

/** Secret values shorter than this are not searched for in text (they would redact ordinary words). */
export const MIN_EXACT_SECRET_CHARS = 6;

/** Runs of base64url/hex characters at least this long count as token-shaped. */
export const TOKEN_SHAPE_MIN_CHARS = 32;

/** Nesting beyond this depth is cut (entries come from JSON, but bound the walk anyway). */
const MAX_DEPTH = 24;

// Field names are compared lower-cased without separators: `api_key`, `x-api-key` and `apiKey` all match.
const SECRET_KEY_RE = /(token|secret|password|passwd|passphrase|apikey|authorization|cookie|privatekey|credential|credentials|bearer|signature)$/;
const TOKEN_RUN_RE = new RegExp(`[A-Za-z0-9_-]{${TOKEN_SHAPE_MIN_CHARS},}`, 'g');
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Lower-case words joined by - or _ (kebab names, reason codes): never random enough to be a token.
const WORDS_RE = /^[a-z]+(?:[-_][a-z]+)+$/;
const DEVICE_ID_RE = /^[0-9a-f]{64}$/;
// Fields that hold public identifiers of the 64-hex shape (a device id is the SHA-256 of a public key).
const ID_KEYS = new Set(['deviceId', 'requestId', 'connId', 'stateDirId']);
const BEARER_RE = /\b(Bearer|Basic)\s+[^\s"',;]+/gi;
const ASSIGNMENT_RE = /\b((?:[a-z]+[_-]?)?(?:token|secret|password|passwd|api[_-]?key))(\s*=\s*)(?!\[redacted\])[^\s&"',;}]+/gi;

/** True when a field of this name holds a secret (token, deviceToken, password, apiKey, botToken, authorization, ...). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY_RE.test(key.toLowerCase().replace(/[^a-z0-9]/g, ''));
}

/** True for a run that looks like a bearer token (32+ base64url/hex characters, not a UUID or kebab words). */
export function isTokenShaped(run: string): boolean {
  return run.length >= TOKEN_SHAPE_MIN_CHARS && /^[A-Za-z0-9_-]+$/.test(run) && !UUID_RE.test(run) && !WORDS_RE.test(run);
}

/** Scrub one string: the given secret values anywhere, `Bearer x` and `token=x` forms, and token-shaped runs. */
export function scrubText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= MIN_EXACT_SECRET_CHARS && out.includes(s)) out = out.split(s).join(REDACTED);
  out = out.replace(BEARER_RE, (_m, scheme: string) => `${scheme} ${REDACTED}`);
  out = out.replace(ASSIGNMENT_RE, (_m, key: string, sep: string) => `${key}${sep}${REDACTED}`);
  return out.replace(TOKEN_RUN_RE, (run) => (isTokenShaped(run) ? REDACTED : run));
}

/** Normalize a secret list: drop empty and duplicate values; longest first so a value never survives inside another's replacement. */
export function secretList(values: Iterable<string | undefined>): string[] {
  const set = new Set<string>();
  for (const v of values) if (v !== undefined && v.trim() !== '') set.add(v.trim());
  return [...set].sort((a, b) => b.length - a.length);
}

function scrubString(key: string | undefined, value: string, secrets: readonly string[]): string {
  // A device or request id is public; keep it whole (exact secret values are still removed).
  if (key !== undefined && ID_KEYS.has(key) && (DEVICE_ID_RE.test(value) || UUID_RE.test(value))) {
    return secrets.includes(value) ? REDACTED : value;
  }
  return scrubText(value, secrets);
}

function walk(key: string | undefined, value: unknown, secrets: readonly string[], depth: number): unknown {
  if (key !== undefined && isSecretKey(key) && value !== null && value !== undefined && typeof value !== 'boolean') return REDACTED;
  if (typeof value === 'string') return scrubString(key, value, secrets);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return value.map((v) => walk(undefined, v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[scrubText(k, secrets)] = walk(k, v, secrets, depth + 1);
  return out;
}

/** A deep copy of a JSON value with every secret field, secret value and token-shaped string redacted. */
export function scrubValue<T>(value: T, secrets: readonly string[] = []): T {
  return walk(undefined, value, secrets, 0) as T;
}
