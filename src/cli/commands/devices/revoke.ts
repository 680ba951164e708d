import type { Command } from 'commander';
import { LOCAL_OWNER } from '../../../pairing/actor.js';
import { revokeToken } from '../../../pairing/operations.js';
import type { CliContext } from '../../context.js';
import { withGateway } from '../../gateway-call.js';
import { withPairingAccess } from '../../local-fallback.js';
import { deviceTokenRevoke } from '../../../protocol/methods/device-token.js';

type Revoked = { deviceId: string; role: string; revokedAtMs: number };

/** `clawgate devices revoke --device <id> --role <role>`. */
export function register(devices: Command, ctx: () => CliContext): void {
  devices
    .command('revoke')
    .description('revoke a device token at once; the device keeps its pairing and gets a new token with the gateway token or after you approve its request')
    .requiredOption('--device <deviceId>', 'device id or unique prefix')
    .requiredOption('--role <role>', 'operator or node')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { device: string; role: string; json?: boolean }) => {
      const c = ctx();
      const params = { deviceId: opts.device, role: opts.role };
      const result = await withPairingAccess<Revoked>(
        c,
        (target) => withGateway(c, [deviceTokenRevoke], (client) => client.call(deviceTokenRevoke, params), target),
        (store) => revokeToken(store, params, LOCAL_OWNER, Date.now()),
      );
      if (opts.json || c.json) c.printJson(result);
      else c.io.out(`Revoked the ${result.role} token of ${result.deviceId.slice(0, 12)}; its connections for that role were closed`);
    });
}
