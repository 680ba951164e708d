import { bindMethod, type BoundMethod } from '../gateway/handler.js';
import { channelPairingApprove, channelPairingList, channelPairingReject, channelPairingRevoke, channelsStatus } from '../protocol/methods/index.js';
import { approvePairingCode, listChannelPairing, rejectPairingCode, revokeSender } from './pairing.js';
import { assertKnownChannel } from './known.js';

/** channels.status and channel.pairing.* (list, approve, reject, revoke): thin bindings of the channels and the pairing operations the CLI fallback also uses. */
export const CHANNEL_METHODS: readonly BoundMethod[] = [
  bindMethod(channelsStatus, (_p, { gateway }) => ({ channels: gateway.channels.status() })),
  bindMethod(channelPairingList, (p, { gateway }) => {
    if (p?.channel !== undefined) assertKnownChannel(p.channel);
    return listChannelPairing(gateway.store, p?.channel, Date.now());
  }),
  // The sender is told (and the decision logged) by the store watcher's effect of the audit row, as for an approval
  // the CLI made on the store; notified says whether this gateway's channel runs to send that notice.
  bindMethod(channelPairingApprove, (p, { gateway, actor }) => {
    assertKnownChannel(p.channel);
    const approved = approvePairingCode(gateway.store, p.channel, p.code, actor.label, Date.now());
    return { ...approved, notified: gateway.channels.status().some((s) => s.channel === p.channel && s.state === 'running') };
  }),
  bindMethod(channelPairingReject, (p, { gateway, actor }) => {
    assertKnownChannel(p.channel);
    return { request: rejectPairingCode(gateway.store, p.channel, p.code, actor.label, Date.now()) };
  }),
  bindMethod(channelPairingRevoke, (p, { gateway, actor }) => {
    assertKnownChannel(p.channel);
    return { sender: revokeSender(gateway.store, p.channel, p.sender, actor.label, Date.now()) };
  }),
];
