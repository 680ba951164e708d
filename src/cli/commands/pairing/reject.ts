import type { Command } from 'commander';
import { rejectPairingCode } from '../../../channels/pairing.js';
import { assertKnownChannel } from '../../../channels/known.js';
import type { ResultOf } from '../../../protocol/methods/index.js';
import type { CliContext } from '../../context.js';
import { withGateway } from '../../gateway-call.js';
import { withPairingAccess } from '../../local-fallback.js';
import { senderLabel } from './list.js';
import { channelPairingReject } from '../../../protocol/methods/channel-pairing.js';
import { LOCAL_OWNER } from '../../../pairing/actor.js';

type Rejected = ResultOf<typeof channelPairingReject>;

/** `clawgate pairing reject <channel> <code>`: drop a pending code. */
export function register(pairing: Command, ctx: () => CliContext): void {
  pairing
    .command('reject')
    .description('reject a DM pairing code (the sender is not let in)')
    .argument('<channel>', 'the channel (telegram)')
    .argument('<code>', 'the code the sender received')
    .option('--json', 'print the result as JSON')
    .action(async (channel: string, code: string, opts: { json?: boolean }) => {
      const c = ctx();
      assertKnownChannel(channel);
      const result = await withPairingAccess<Rejected>(
        c,
        (target) => withGateway(c, [channelPairingReject], (client) => client.call(channelPairingReject, { channel, code }), target),
        (store) => ({ request: rejectPairingCode(store, channel, code, LOCAL_OWNER.label, Date.now()) }),
      );
      if (opts.json || c.json) c.printJson(result);
      else c.io.out(`Rejected ${channel} code ${result.request.code} from ${senderLabel(result.request)}`);
    });
}
