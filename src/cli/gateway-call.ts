import { GatewayClient } from '../client/gateway-client.js';
import { loadOrCreateIdentity } from '../client/identity.js';
import { TokenCache } from '../client/token-cache.js';
import { METHODS } from '../protocol/methods/index.js';
import type { CliContext } from './context.js';
import { resolveTarget, type GatewayTarget } from './gateway-target.js';

/** Least privilege: a CLI call asks only for the scopes its methods need. */
export function scopesFor(methods: readonly string[]): string[] {
  const scopes = new Set<string>();
  for (const m of methods) {
    const scope = METHODS.get(m)?.scope;
    if (scope) scopes.add(scope);
  }
  return [...scopes].sort();
}

/** Open one authenticated connection as this host's device (asking the methods' scopes plus extraScopes), run fn, close. */
export async function withGateway<T>(
  ctx: CliContext,
  methods: readonly string[],
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
  });
  await client.connect();
  try {
    return await fn(client, target);
  } finally {
    await client.close();
  }
}

/** One RPC as this host's device. */
export function callGateway<T>(ctx: CliContext, method: string, params?: unknown): Promise<T> {
  return withGateway(ctx, [method], (client) => client.request<T>(method, params));
}
