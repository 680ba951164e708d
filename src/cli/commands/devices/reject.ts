import type { Command } from 'commander';
import { LOCAL_OWNER } from '../../../pairing/actor.js';
import { rejectRequest } from '../../../pairing/operations.js';
import type { CliContext } from '../../context.js';
import { withGateway } from '../../gateway-call.js';
import { withPairingAccess } from '../../local-fallback.js';
import { devicePairReject } from '../../../protocol/methods/device-pair.js';

type Rejected = { requestId: string; deviceId: string };

/** `clawgate devices reject <requestId>`. */
export function register(devices: Command, ctx: () => CliContext): void {
  devices
    .command('reject')
    .description('reject a pending pairing request')
    .argument('<requestId>', 'request id or unique prefix')
    .option('--json', 'print the result as JSON')
    .action(async (requestId: string, opts: { json?: boolean }) => {
      const c = ctx();
      const result = await withPairingAccess<Rejected>(
        c,
        (target) => withGateway(c, [devicePairReject], (client) => client.call(devicePairReject, { requestId }), target),
        (store) => rejectRequest(store, requestId, LOCAL_OWNER, Date.now()),
      );
      if (opts.json || c.json) c.printJson(result);
      else c.io.out(`Rejected ${result.requestId} (device ${result.deviceId.slice(0, 12)})`);
    });
}
