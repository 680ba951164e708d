import type { GatewayClient } from '../client/gateway-client.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import type { MethodDef } from '../protocol/methods/define.js';
import type { CliContext } from './context.js';
import { withGateway } from './gateway-call.js';
import { resolveTarget } from './gateway-target.js';

/**
 * withGateway for commands only a running gateway can serve (agents, sessions, provider state): when this
 * host's gateway is not running, the error says so and names the command that starts it.
 */
export async function withRunningGateway<T>(ctx: CliContext, methods: readonly MethodDef[], fn: (client: GatewayClient) => Promise<T>, extraScopes: readonly string[] = []): Promise<T> {
  const target = resolveTarget(ctx);
  try {
    return await withGateway(ctx, methods, fn, target, extraScopes);
  } catch (err) {
    if (err instanceof ClawgateError && err.code === 'GATEWAY_UNREACHABLE' && target.local) {
      throw new ClawgateError('GATEWAY_UNREACHABLE', `the gateway is not running (nothing answers on 127.0.0.1:${target.port}); start it with: clawgate gateway start`, err.details);
    }
    throw err;
  }
}
