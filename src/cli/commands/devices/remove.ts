import type { Command } from 'commander';
import { LOCAL_OWNER } from '../../../pairing/actor.js';
import { removeDevice } from '../../../pairing/operations.js';
import type { CliContext } from '../../context.js';
import { withGateway } from '../../gateway-call.js';
import { withPairingAccess } from '../../local-fallback.js';
import { devicePairRemove } from '../../../protocol/methods/device-pair.js';

/** `clawgate devices remove <deviceId>`. */
export function register(devices: Command, ctx: () => CliContext): void {
  devices
    .command('remove')
    .description('remove a paired device and its tokens; its connections are closed')
    .argument('<deviceId>', 'device id or unique prefix')
    .option('--json', 'print the result as JSON')
    .action(async (deviceId: string, opts: { json?: boolean }) => {
      const c = ctx();
      const result = await withPairingAccess<{ deviceId: string }>(
        c,
        (target) => withGateway(c, [devicePairRemove], (client) => client.call(devicePairRemove, { deviceId }), target),
        (store) => removeDevice(store, deviceId, LOCAL_OWNER, Date.now()),
      );
      if (opts.json || c.json) c.printJson(result);
      else c.io.out(`Removed ${result.deviceId}`);
    });
}
