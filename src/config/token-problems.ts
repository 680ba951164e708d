import { tokenWeakness } from '../auth/token-strength.js';
import { effectiveGateway, type Config } from './schema.js';

/**
 * gateway.auth.token judged by the gateway's own rule (auth/token-strength), so no write stores a token the
 * gateway would refuse to start with. Checked on writes, not on loads: a config that already holds a weak
 * token must stay readable, or `clawgate gateway token rotate` (the fix) could not run.
 */
export function tokenProblems(config: Config): string[] {
  const token = config.gateway?.auth?.token;
  if (token === undefined || effectiveGateway(config).authMode !== 'token') return [];
  const weakness = tokenWeakness(token);
  return weakness === undefined ? [] : [`gateway.auth.token: the gateway refuses this token (${weakness}); generate a strong one with clawgate gateway token rotate`];
}
