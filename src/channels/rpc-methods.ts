import { implement, type MethodImpl } from '../protocol/methods/define.js';
import { channelPairingApprove, channelPairingList, channelPairingReject, channelPairingRevoke, channelsStatus } from '../protocol/methods/index.js';
import type { Store } from '../store/store.js';
import type { Channels } from './channel.js';
import { approvePairingCode, listChannelPairing, rejectPairingCode, revokeSender } from './pairing.js';
import { assertKnownChannel } from './known.js';

/** channels.status and channel.pairing.* (list, approve, reject, revoke): thin bindings of the channels and the pairing operations the CLI fallback also uses. */
export function channelMethods(store: Store, channels: Channels): readonly MethodImpl[] {
  return [
    implement(channelsStatus, () => ({ channels: channels.status() })),
    implement(channelPairingList, (p) => {
      if (p?.channel !== undefined) assertKnownChannel(p.channel);
      return listChannelPairing(store, p?.channel, Date.now());
    }),
    // The sender is told (and the decision logged) by the store watcher's effect of the audit row, as for an approval
    // the CLI made on the store; notified says whether this gateway's channel runs to send that notice.
    implement(channelPairingApprove, (p, { caller }) => {
      assertKnownChannel(p.channel);
      const approved = approvePairingCode(store, p.channel, p.code, caller.label, Date.now());
      return { ...approved, notified: channels.status().some((s) => s.channel === p.channel && s.state === 'running') };
    }),
    implement(channelPairingReject, (p, { caller }) => {
      assertKnownChannel(p.channel);
      return { request: rejectPairingCode(store, p.channel, p.code, caller.label, Date.now()) };
    }),
    implement(channelPairingRevoke, (p, { caller }) => {
      assertKnownChannel(p.channel);
      return { sender: revokeSender(store, p.channel, p.sender, caller.label, Date.now()) };
    }),
  ];
}
