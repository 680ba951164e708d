import { Secret } from './secret.js';

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
  if (flag) return { secret: new Secret(flag), source: 'flag' };
  const env = inputs.env?.[GATEWAY_TOKEN_ENV]?.trim();
  if (env) return { secret: new Secret(env), source: 'env' };
  const config = inputs.config?.trim();
  if (config) return { secret: new Secret(config), source: 'config' };
  return { secret: undefined, source: 'none' };
}
