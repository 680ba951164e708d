import type { Command } from 'commander';
import { fingerprintOf } from '../../../auth/secret.js';
import { loadOrCreateIdentity } from '../../../client/identity.js';
import { TokenCache } from '../../../client/token-cache.js';
import { LOCAL_OWNER } from '../../../pairing/actor.js';
import { rotateToken, type RotateResult } from '../../../pairing/operations.js';
import type { CliContext } from '../../context.js';
import { withGateway } from '../../gateway-call.js';
import { withPairingAccess } from '../../local-fallback.js';
import { deviceTokenRotate } from '../../../protocol/methods/device-token.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `clawgate devices rotate --device <id> --role <role> [--scope S]...`. Never prints a token. */
export function register(devices: Command, ctx: () => CliContext): void {
  devices
    .command('rotate')
    .description("retire a device token at once; this CLI's own new token is cached, another device gets one by connecting with the gateway token or after you approve its request")
    .requiredOption('--device <deviceId>', 'device id or unique prefix')
    .requiredOption('--role <role>', 'operator or node')
    .option('--scope <scope>', 'scope for the new token (repeatable); defaults to the current ones', collect)
    .option('--json', 'print the result as JSON (without the token)')
    .action(async (opts: { device: string; role: string; scope?: string[]; json?: boolean }) => {
      const c = ctx();
      const params = { deviceId: opts.device, role: opts.role, ...(opts.scope ? { scopes: opts.scope } : {}) };
      const result = await withPairingAccess<RotateResult>(
        c,
        (target) => withGateway(c, [deviceTokenRotate], (client) => client.call(deviceTokenRotate, params), target),
        (store) => rotateToken(store, params, LOCAL_OWNER, Date.now()),
      );
      const { token, ...shown } = result;
      let note = `the old ${result.role} token of device ${result.deviceId.slice(0, 12)} is refused from now on; the device gets a new one by connecting with the gateway token, or after you approve the request it makes (clawgate devices approve)`;
      if (token) {
        const identity = loadOrCreateIdentity(c.paths.identityPath);
        if (identity.deviceId === result.deviceId) {
          new TokenCache(c.paths.tokenCachePath, identity.deviceId).put({ token, role: result.role, scopes: result.scopes });
          note = `this CLI's new ${result.role} token (${fingerprintOf(token)}) is cached in ${c.paths.tokenCachePath}`;
        }
      }
      if (opts.json || c.json) c.printJson({ ...shown, ...(token ? { fingerprint: fingerprintOf(token) } : {}) });
      else c.io.out(`Rotated: ${note}; scopes ${result.scopes.join(',') || '(none)'}`);
    });
}
