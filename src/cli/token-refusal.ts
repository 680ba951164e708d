import { GATEWAY_TOKEN_ENV, tokenSourceFix } from '../auth/gateway-token.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import type { GatewayTarget } from './gateway-target.js';

/**
 * The gateway's wire message for a wrong gateway token names OpenClaw's config (`gateway.remote.token`),
 * which is right for OpenClaw clients; this CLI says it in its own terms: which of its token sources
 * was used, its fingerprint, and how to change that source. The code stays, so fallbacks still see it.
 */
export function inCliTerms(err: unknown, target: GatewayTarget, configPath: string): unknown {
  if (!(err instanceof ClawgateError) || (err.code !== 'AUTH_TOKEN_MISMATCH' && err.code !== 'AUTH_TOKEN_MISSING')) return err;
  const { secret, source } = target.token;
  const other = '; for another install on this host use --profile NAME (its state dir has its own token)';
  let message: string;
  if (!secret || source === 'none') {
    message = `the gateway wants its gateway token and this CLI has none: pass --token, set ${GATEWAY_TOKEN_ENV}, or set gateway.auth.token in ${configPath}${other}`;
  } else {
    const used = source === 'flag' ? '--token' : source === 'env' ? GATEWAY_TOKEN_ENV : `gateway.auth.token in ${configPath}`;
    message = `the gateway refused the gateway token from ${used} (${secret.fingerprint}): it is not the gateway's token; ${tokenSourceFix(source, configPath)}${other}`;
  }
  return new ClawgateError(err.code, message, err.details, err.close);
}
