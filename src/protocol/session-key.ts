import { ClawgateError } from './error-catalogue.js';

// The session key is a wire format (chat.*, agent, sessions.*): clients build and send it, so it is named here.

/** Kind of session by its key. */
export type SessionKind = 'main' | 'subagent' | 'other';

/** Longest session key accepted. */
export const MAX_SESSION_KEY_CHARS = 256;

const KEY_REST = /^[A-Za-z0-9][A-Za-z0-9:._@+-]*$/;

/** A parsed session key `agent:<agentId>:<rest>`. */
export interface ParsedSessionKey {
  readonly key: string;
  readonly agentId: string;
  readonly rest: string;
  readonly kind: SessionKind;
}

/** The main session of an agent. */
export function mainSessionKey(agentId: string): string {
  return `agent:${agentId}:main`;
}

/** A sub-agent session key under an agent. */
export function subagentSessionKey(agentId: string, id: string): string {
  return `agent:${agentId}:subagent:${id}`;
}

/**
 * Parse a session key; a key without the `agent:` prefix (e.g. `main`) belongs to the default agent, as
 * OpenClaw clients expect. Throws INVALID_PARAMS for a malformed key.
 */
export function parseSessionKey(input: string, defaultAgentId: string): ParsedSessionKey {
  const raw = input.trim();
  if (raw.length === 0 || raw.length > MAX_SESSION_KEY_CHARS) {
    throw new ClawgateError('INVALID_PARAMS', `invalid session key: must be 1-${MAX_SESSION_KEY_CHARS} characters`);
  }
  let agentId = defaultAgentId;
  let rest = raw;
  if (raw.startsWith('agent:')) {
    const parts = raw.split(':');
    agentId = parts[1] ?? '';
    rest = parts.slice(2).join(':');
    if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(agentId) || rest.length === 0) {
      throw new ClawgateError('INVALID_PARAMS', `invalid session key "${raw.slice(0, 80)}": expected agent:<agentId>:<name>, e.g. agent:main:main`);
    }
  }
  if (!KEY_REST.test(rest)) {
    throw new ClawgateError('INVALID_PARAMS', `invalid session key "${raw.slice(0, 80)}": use letters, digits and : . _ @ + -`);
  }
  const kind: SessionKind = rest === 'main' ? 'main' : rest.startsWith('subagent:') ? 'subagent' : 'other';
  return { key: `agent:${agentId}:${rest}`, agentId, rest, kind };
}
