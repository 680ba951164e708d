/** Config key paths that hold secrets. */
export const SECRET_CONFIG_PATHS: ReadonlySet<string> = new Set(['gateway.auth.token']);

/** A copy of a config (sub)tree with every secret replaced by a marker that says only its length. */
export function redactConfigValue(path: string, value: unknown): unknown {
  if (SECRET_CONFIG_PATHS.has(path) && typeof value === 'string') return `[redacted ${value.length} chars]`;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactConfigValue(path ? `${path}.${k}` : k, v)]));
  }
  return value;
}
