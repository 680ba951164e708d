import type { Command } from 'commander';
import { approvePairingCode } from '../../../channels/pairing.js';
import { assertKnownChannel } from '../../../channels/known.js';
import { LOCAL_OWNER } from '../../../pairing/actor.js';
import type { ResultOf } from '../../../protocol/methods/index.js';
import type { CliContext } from '../../context.js';
import { withGateway } from '../../gateway-call.js';
import { withPairingAccess } from '../../local-fallback.js';
import { senderLabel } from './list.js';
import { channelPairingApprove } from '../../../protocol/methods/channel-pairing.js';

type Approved = ResultOf<typeof channelPairingApprove>;

/** `clawgate pairing approve <channel> <code>`: the code's sender may talk to the agent. */
export function register(pairing: Command, ctx: () => CliContext): void {
  pairing
    .command('approve')
    .description('approve a DM pairing code: its sender may talk to the agent')
    .argument('<channel>', 'the channel (telegram)')
    .argument('<code>', 'the code the sender received')
    .option('--json', 'print the result as JSON')
    .action(async (channel: string, code: string, opts: { json?: boolean }) => {
      const c = ctx();
      assertKnownChannel(channel);
      const result = await withPairingAccess<Approved>(
        c,
        (target) => withGateway(c, [channelPairingApprove], (client) => client.call(channelPairingApprove, { channel, code }), target),
        (store) => ({ ...approvePairingCode(store, channel, code, LOCAL_OWNER.label, Date.now()), notified: false }),
      );
      if (opts.json || c.json) c.printJson(result);
      else {
        c.io.out(`Approved ${channel} sender ${senderLabel(result.sender)}; ${result.notified ? 'they were told' : 'their next message reaches the agent'}`);
      }
    });
}
