import { tokenWeakness } from '../auth/token-strength.js';
import { isRedactedPlaceholder } from '../protocol/redaction.js';
import { placeholderSecretPaths } from './redact.js';
import { effectiveGateway, type Config } from './schema.js';

/**
 * gateway.auth.token judged by the gateway's own rule (auth/token-strength), so no write stores a token the
 * gateway would refuse to start with. Checked on writes, not on loads: a config that already holds a weak
 * token must stay readable, or `clawgate gateway token rotate` (the fix) could not run.
 */
export function tokenProblems(config: Config): string[] {
  const token = config.gateway?.auth?.token;
  // A placeholder has its own problem (placeholderProblems), which names it for what it is.
  if (token === undefined || isRedactedPlaceholder(token) || effectiveGateway(config).authMode !== 'token') return [];
  const weakness = tokenWeakness(token);
  return weakness === undefined ? [] : [`gateway.auth.token: the gateway refuses this token (${weakness}); generate a strong one with clawgate gateway token rotate`];
}

/**
 * Secrets whose value is a redacted placeholder pasted back from clawgate's output (`config get`, logs):
 * refused on writes, named as placeholders, never taken for the secret.
 */
export function placeholderProblems(config: Config): string[] {
  return placeholderSecretPaths('', config).map(
    (path) =>
      `${path}: this is a redacted placeholder ("[redacted ...]" is what clawgate prints in place of a secret), not the secret; set the real value${path === 'gateway.auth.token' ? ', or a new token with clawgate gateway token rotate' : ''} (an unchanged secret need not be set again)`,
  );
}
