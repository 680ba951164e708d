/**
 * The one shape printed in place of a secret (config get, status, doctor, backup diffs, logs): square
 * brackets never occur in a gateway token, a device token (base64url) or a provider key, so a placeholder
 * can never be a valid credential, and one that comes back as a credential is recognised as such.
 */

/** The placeholder; `[redacted 43 chars]` adds what may be said about the secret. */
export const REDACTED = '[redacted]';

/** The placeholder with a detail, e.g. its length. */
export function redactedWith(detail: string): string {
  return `[redacted ${detail}]`;
}

const PLACEHOLDER_RE = /\[redacted(?: [^\]]{0,80})?\]/i;

/** True when a value offered as a credential holds a redacted placeholder (pasted from clawgate's output). */
export function isRedactedPlaceholder(value: string | undefined): boolean {
  return value !== undefined && PLACEHOLDER_RE.test(value);
}

/** Where the real gateway token lives, for messages about a pasted placeholder. */
export const REAL_GATEWAY_TOKEN_HINT =
  'the real token is gateway.auth.token in clawgate.json in the gateway\'s state dir, never printed; on the gateway\'s host drop --token and CLAWGATE_GATEWAY_TOKEN so the CLI reads it from there, or set a new one with `clawgate gateway token rotate`';
