import { GatewayClient, type CallArgs } from '../client/gateway-client.js';
import { loadOrCreateIdentity } from '../client/identity.js';
import { TokenCache } from '../client/token-cache.js';
import type { MethodDef, ResultOf } from '../protocol/methods/define.js';
import type { CliContext } from './context.js';
import { resolveTarget, type GatewayTarget } from './gateway-target.js';
import { inCliTerms } from './token-refusal.js';

/** Set to 1 (the test helpers that run the CLI do) to check every result against its method's definition. */
export const VALIDATE_RESULTS_ENV = 'CLAWGATE_VALIDATE_RESULTS';

/** Least privilege: a CLI call asks only for the scopes its methods need. */
export function scopesFor(methods: readonly MethodDef[]): string[] {
  const scopes = new Set<string>();
  for (const m of methods) if (m.scope) scopes.add(m.scope);
  return [...scopes].sort();
}

/** Open one authenticated connection as this host's device (asking the methods' scopes plus extraScopes), run fn, close. */
export async function withGateway<T>(
  ctx: CliContext,
  methods: readonly MethodDef[],
  fn: (client: GatewayClient, target: GatewayTarget) => Promise<T>,
  target = resolveTarget(ctx),
  extraScopes: readonly string[] = [],
): Promise<T> {
  const identity = loadOrCreateIdentity(ctx.paths.identityPath);
  const client = new GatewayClient({
    url: target.url,
    gatewayToken: target.token.secret,
    identity,
    tokenCache: new TokenCache(ctx.paths.tokenCachePath, identity.deviceId),
    scopes: [...new Set([...scopesFor(methods), ...extraScopes])].sort(),
    clientId: 'cli',
    clientMode: 'cli',
    timeoutMs: ctx.timeoutMs,
    validateResults: ctx.io.env[VALIDATE_RESULTS_ENV] === '1',
  });
  try {
    await client.connect();
  } catch (err) {
    throw inCliTerms(err, target, ctx.paths.configPath);
  }
  try {
    return await fn(client, target);
  } finally {
    await client.close();
  }
}

/** One RPC as this host's device. */
export function callGateway<M extends MethodDef>(ctx: CliContext, def: M, ...args: CallArgs<M>): Promise<ResultOf<M>> {
  return withGateway(ctx, [def], (client) => client.call(def, ...args));
}
