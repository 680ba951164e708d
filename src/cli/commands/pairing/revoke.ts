import type { Command } from 'commander';
import { assertKnownChannel } from '../../../channels/known.js';
import { revokeSender } from '../../../channels/pairing.js';
import type { ResultOf } from '../../../protocol/methods/index.js';
import type { CliContext } from '../../context.js';
import { withGateway } from '../../gateway-call.js';
import { withPairingAccess } from '../../local-fallback.js';
import { senderLabel } from './list.js';
import { channelPairingRevoke } from '../../../protocol/methods/channel-pairing.js';
import { LOCAL_OWNER } from '../../../pairing/actor.js';

type Revoked = ResultOf<typeof channelPairingRevoke>;

/** `clawgate pairing revoke <channel> <senderId|@username>`: take back an approval. */
export function register(pairing: Command, ctx: () => CliContext): void {
  pairing
    .command('revoke')
    .description('take back an approved sender: their messages no longer reach the agent')
    .argument('<channel>', 'the channel (telegram)')
    .argument('<sender>', 'the sender\'s user id or @username (see clawgate pairing list)')
    .option('--json', 'print the result as JSON')
    .action(async (channel: string, sender: string, opts: { json?: boolean }) => {
      const c = ctx();
      assertKnownChannel(channel);
      const result = await withPairingAccess<Revoked>(
        c,
        (target) => withGateway(c, [channelPairingRevoke], (client) => client.call(channelPairingRevoke, { channel, sender }), target),
        (store) => ({ sender: revokeSender(store, channel, sender, LOCAL_OWNER.label, Date.now()) }),
      );
      if (opts.json || c.json) c.printJson(result);
      else {
        c.io.out(`Revoked ${channel} sender ${senderLabel(result.sender)}: their messages no longer reach the agent (with dmPolicy pairing, their next message gets a new code)`);
      }
    });
}
