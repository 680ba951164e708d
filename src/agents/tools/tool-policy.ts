/** An agent's tool allow/deny lists from config. */
export interface ToolPolicy {
  readonly allow?: readonly string[];
  readonly deny?: readonly string[];
}

function matches(pattern: string, name: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return name.startsWith(pattern.slice(0, -1));
  return pattern === name;
}

/** Deny wins; a non-empty allow list admits only what it names; no lists admit everything. */
export function toolAllowed(policy: ToolPolicy, name: string): boolean {
  if (policy.deny?.some((p) => matches(p, name))) return false;
  if (policy.allow && policy.allow.length > 0) return policy.allow.some((p) => matches(p, name));
  return true;
}
