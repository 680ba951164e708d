import { Secret } from './secret.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { isRedactedPlaceholder, REAL_GATEWAY_TOKEN_HINT } from '../protocol/redaction.js';

/** Where a secret came from, in precedence order (flag beats env beats config). */
export type SecretSource = 'flag' | 'env' | 'config' | 'none';

export const GATEWAY_TOKEN_ENV = 'CLAWGATE_GATEWAY_TOKEN';

/** A resolved gateway token with its provenance. */
export interface ResolvedToken {
  readonly secret: Secret | undefined;
  readonly source: SecretSource;
}

/** Inputs the resolver considers; each side (gateway, CLI) passes what it has. */
export interface TokenInputs {
  flag?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  config?: string | undefined;
}

/**
 * The one resolver for the gateway token, used by the gateway and every CLI path:
 * `--token`, then CLAWGATE_GATEWAY_TOKEN, then `gateway.auth.token` in config. Empty values do not count.
 */
export function resolveGatewayToken(inputs: TokenInputs): ResolvedToken {
  const flag = inputs.flag?.trim();
  if (flag) return resolved(flag, 'flag');
  const env = inputs.env?.[GATEWAY_TOKEN_ENV]?.trim();
  if (env) return resolved(env, 'env');
  const config = inputs.config?.trim();
  if (config) return resolved(config, 'config');
  return { secret: undefined, source: 'none' };
}

const SOURCE_NAMES: Record<Exclude<SecretSource, 'none'>, string> = { flag: '--token', env: GATEWAY_TOKEN_ENV, config: 'gateway.auth.token' };

/** A token from a source; a redacted placeholder pasted back from clawgate's output is refused by name. */
function resolved(value: string, source: Exclude<SecretSource, 'none'>): ResolvedToken {
  if (isRedactedPlaceholder(value)) {
    const fix = source === 'config' ? 'set a real one with `clawgate gateway token rotate`' : REAL_GATEWAY_TOKEN_HINT;
    throw new ClawgateError('SECRET_IS_PLACEHOLDER', `the gateway token from ${SOURCE_NAMES[source]} is a redacted placeholder ("[redacted ...]" is what clawgate prints in place of a secret), not the token; ${fix}`, { source });
  }
  return { secret: new Secret(value), source };
}

/** How the owner changes the gateway token this CLI sends, at the source it came from. */
export function tokenSourceFix(source: SecretSource, configPath: string): string {
  if (source === 'flag') return `pass the gateway's token with --token, or drop --token to use gateway.auth.token in ${configPath}`;
  if (source === 'env') return `set ${GATEWAY_TOKEN_ENV} to the gateway's token, or unset it (\`unset ${GATEWAY_TOKEN_ENV}\`) so this CLI uses gateway.auth.token in ${configPath}`;
  return `set gateway.auth.token in ${configPath} to the gateway's token (clawgate config set gateway.auth.token ...), or pass it with --token or ${GATEWAY_TOKEN_ENV}`;
}
