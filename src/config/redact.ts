import { isSecretKey } from '../logging/redact.js';
import { isRedactedPlaceholder, redactedWith } from '../protocol/redaction.js';

/** Config key paths that hold secrets; `*` matches one key (a provider id). */
export const SECRET_CONFIG_PATHS: ReadonlySet<string> = new Set(['gateway.auth.token', 'models.providers.*.apiKey', 'channels.telegram.botToken', 'tools.web.search.apiKey']);

/** Header maps whose entries are secret when the header name is (Authorization, x-api-key, Cookie, ...). */
const SECRET_HEADER_PARENTS: readonly string[] = ['models.providers.*.headers'];

/** URLs whose user:password part is hidden (such a config is refused, but never show one anyway). */
const URL_PATHS: readonly string[] = ['models.providers.*.baseUrl', 'channels.telegram.apiRoot'];

function matches(pattern: string, path: string): boolean {
  const p = pattern.split('.');
  const k = path.split('.');
  return p.length === k.length && p.every((seg, i) => seg === '*' || seg === k[i]);
}

function matchesAny(patterns: Iterable<string>, path: string): boolean {
  for (const pattern of patterns) if (matches(pattern, path)) return true;
  return false;
}

/** True when the value at this dotted key path is a secret (an API key, the gateway token, an Authorization header). */
export function isSecretConfigPath(path: string): boolean {
  if (matchesAny(SECRET_CONFIG_PATHS, path)) return true;
  const dot = path.lastIndexOf('.');
  return dot > 0 && matchesAny(SECRET_HEADER_PARENTS, path.slice(0, dot)) && isSecretKey(path.slice(dot + 1));
}

function hideUrlCredentials(value: string): string {
  try {
    const url = new URL(value);
    if (url.username === '' && url.password === '') return value;
    url.username = 'redacted';
    url.password = '';
    return url.toString();
  } catch {
    return value;
  }
}

/**
 * A copy of a config (sub)tree with every secret replaced by a marker that says only its length. An
 * `apiKey: {env: NAME}` stays visible: it names a variable, not a key.
 */
export function redactConfigValue(path: string, value: unknown): unknown {
  if (typeof value === 'string') {
    if (isSecretConfigPath(path)) return redactedWith(`${value.length} chars`);
    if (matchesAny(URL_PATHS, path)) return hideUrlCredentials(value);
    return value;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactConfigValue(path ? `${path}.${k}` : k, v)]));
  }
  return value;
}

/** Key paths of secrets whose value is a redacted placeholder (pasted back from `config get` or a log). */
export function placeholderSecretPaths(path: string, value: unknown): string[] {
  if (typeof value === 'string') return isSecretConfigPath(path) && isRedactedPlaceholder(value) ? [path] : [];
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => placeholderSecretPaths(path ? `${path}.${k}` : k, v));
  }
  return [];
}
