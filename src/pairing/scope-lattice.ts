const OPERATOR_PREFIX = 'operator.';
const ADMIN = 'operator.admin';
const WRITE = 'operator.write';
const READ = 'operator.read';

/**
 * Does a set of granted scopes allow one required scope? `operator.admin` implies every `operator.*`
 * scope (including ones added in later releases); `operator.write` implies `operator.read`; all else exact.
 */
export function scopeAllows(granted: readonly string[], required: string): boolean {
  if (granted.includes(required)) return true;
  if (required.startsWith(OPERATOR_PREFIX) && granted.includes(ADMIN)) return true;
  if (required === READ && granted.includes(WRITE)) return true;
  return false;
}

/** Every requested scope is allowed by the granted set. */
export function scopesCover(granted: readonly string[], requested: readonly string[]): boolean {
  return requested.every((s) => scopeAllows(granted, s));
}

/** The requested scopes the granted set does not allow. */
export function missingScopes(granted: readonly string[], requested: readonly string[]): string[] {
  return requested.filter((s) => !scopeAllows(granted, s));
}

/** Sorted, de-duplicated union. */
export function unionScopes(...sets: ReadonlyArray<readonly string[]>): string[] {
  return [...new Set(sets.flat())].sort();
}
