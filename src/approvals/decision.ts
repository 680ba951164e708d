import { firstMatch } from './allowlist-match.js';
import type { ExecPolicy } from './types.js';

/** What the policy alone says about a command, before anyone is asked. */
export type PolicyVerdict =
  | { readonly kind: 'allow'; readonly how: 'security-full' | 'allowlist'; readonly pattern?: string }
  | { readonly kind: 'ask'; readonly pattern?: string }
  | { readonly kind: 'refuse'; readonly how: 'security-deny' | 'ask-off-miss'; readonly reason: string };

/**
 * Decide a command by policy (OpenClaw's tools.exec.security x tools.exec.ask), a pure function:
 *
 * | security  | ask=off              | ask=on-miss          | ask=always |
 * |-----------|----------------------|----------------------|------------|
 * | deny      | refuse security-deny | refuse security-deny | refuse security-deny |
 * | allowlist | match: allow; miss: refuse ask-off-miss | match: allow; miss: ask | ask |
 * | full      | allow security-full  | allow security-full  | ask |
 *
 * `allowlist` is the config's patterns followed by the stored ones of the agent (and of every agent, `*`).
 * `pattern` names the allowlist entry that matched, where one did (also when ask=always asks anyway).
 */
export function decideByPolicy(policy: Pick<ExecPolicy, 'security' | 'ask' | 'allowlist'>, stored: readonly string[], command: string): PolicyVerdict {
  if (policy.security === 'deny') {
    return { kind: 'refuse', how: 'security-deny', reason: 'tools.exec.security is deny: no command runs (set it to allowlist or full to let the agent run commands)' };
  }
  const pattern = policy.security === 'allowlist' ? firstMatch([...policy.allowlist, ...stored], command) : undefined;
  const matched = pattern !== undefined ? { pattern } : {};
  if (policy.ask === 'always') return { kind: 'ask', ...matched };
  if (policy.security === 'full') return { kind: 'allow', how: 'security-full' };
  if (pattern !== undefined) return { kind: 'allow', how: 'allowlist', pattern };
  if (policy.ask === 'off') {
    return { kind: 'refuse', how: 'ask-off-miss', reason: 'the command is not on the exec allowlist and tools.exec.ask is off (add it with clawgate approvals allowlist add, or set ask to on-miss)' };
  }
  return { kind: 'ask' };
}
