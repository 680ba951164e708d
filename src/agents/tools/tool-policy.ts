import type { ToolProfile } from '../tool-settings.js';

/** An allow/deny pair of tool patterns (names, `prefix*`, `*`, or `group:NAME`). */
export interface ToolPolicy {
  readonly allow?: readonly string[];
  readonly deny?: readonly string[];
}

/** OpenClaw's tool groups, usable in allow/deny lists. */
export const TOOL_GROUPS: Readonly<Record<string, readonly string[]>> = {
  'group:fs': ['read', 'write', 'edit', 'apply_patch', 'ls', 'grep'],
  'group:runtime': ['exec', 'process'],
  'group:sessions': ['sessions_list', 'sessions_history', 'sessions_send', 'sessions_spawn', 'session_status'],
  'group:memory': ['memory_search', 'memory_get'],
  'group:web': ['web_search', 'web_fetch'],
  'group:messaging': ['message'],
  'group:automation': ['cron'],
};

/** The base allow list of each profile; `full` (like no profile) restricts nothing. */
export const TOOL_PROFILES: Readonly<Record<ToolProfile, readonly string[] | undefined>> = {
  minimal: ['session_status'],
  coding: ['group:fs', 'group:runtime', 'group:sessions', 'group:memory'],
  messaging: ['group:messaging', 'sessions_list', 'sessions_history', 'sessions_send', 'session_status'],
  full: undefined,
};

function matches(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  const n = name.toLowerCase();
  if (p === '*') return true;
  const group = TOOL_GROUPS[p];
  if (group) return group.includes(n);
  if (p.endsWith('*')) return n.startsWith(p.slice(0, -1));
  return p === n;
}

/** Deny wins; a non-empty allow list admits only what it names; no lists admit everything. */
export function toolAllowed(policy: ToolPolicy, name: string): boolean {
  if (policy.deny?.some((p) => matches(p, name))) return false;
  if (policy.allow && policy.allow.length > 0) return policy.allow.some((p) => matches(p, name));
  return true;
}

/** The tool settings of the whole gateway and of one agent, as config gives them. */
export interface LayeredToolPolicy {
  readonly global: { readonly profile?: ToolProfile | undefined; readonly allow?: readonly string[]; readonly deny?: readonly string[] };
  readonly agent: { readonly profile?: ToolProfile; readonly allow?: readonly string[]; readonly deny?: readonly string[] };
}

/**
 * One agent's effective policy, as OpenClaw layers it: the profile (the agent's, else the global one) is a
 * base allow list that allow lists add to; without a profile an allow list restricts (the agent's replaces
 * the global one); deny lists of both levels always win.
 */
export function effectivePolicy(p: LayeredToolPolicy): ToolPolicy {
  const deny = [...(p.global.deny ?? []), ...(p.agent.deny ?? [])];
  const base = TOOL_PROFILES[p.agent.profile ?? p.global.profile ?? 'full'];
  const allow = p.agent.allow ?? p.global.allow;
  if (base === undefined) return { ...(allow && allow.length > 0 ? { allow } : {}), deny };
  return { allow: [...base, ...(allow ?? [])], deny };
}
