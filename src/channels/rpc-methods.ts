import { bindMethod, type BoundMethod } from '../gateway/handler.js';
import { channelPairingApprove, channelPairingList, channelPairingReject, channelPairingRevoke, channelsStatus } from '../protocol/methods/index.js';
import type { Channels } from './channel.js';
import { approvePairingCode, listChannelPairing, rejectPairingCode, revokeSender } from './pairing.js';
import { assertKnownChannel } from './known.js';

/** What an approved sender is told when the approval came through the running gateway. */
export const APPROVED_NOTICE = 'You are approved: the assistant will answer your messages from now on.';

/** Tell the approved sender; false when the channel cannot deliver (the approval stands either way). */
export async function notifyApproved(channels: Channels, channel: string, chatId: string): Promise<boolean> {
  try {
    await channels.deliver({ channel, to: chatId }, APPROVED_NOTICE);
    return true;
  } catch {
    return false;
  }
}

/** channels.status and channel.pairing.* (list, approve, reject, revoke): thin bindings of the channels and the pairing operations the CLI fallback also uses. */
export const CHANNEL_METHODS: readonly BoundMethod[] = [
  bindMethod(channelsStatus, (_p, { gateway }) => ({ channels: gateway.channels.status() })),
  bindMethod(channelPairingList, (p, { gateway }) => {
    if (p?.channel !== undefined) assertKnownChannel(p.channel);
    return listChannelPairing(gateway.store, p?.channel, Date.now());
  }),
  bindMethod(channelPairingApprove, async (p, { gateway, actor }) => {
    assertKnownChannel(p.channel);
    const approved = approvePairingCode(gateway.store, p.channel, p.code, actor.label, Date.now());
    gateway.log.info({ channel: p.channel, senderId: approved.sender.senderId, by: actor.label }, 'channel sender approved');
    return { ...approved, notified: await notifyApproved(gateway.channels, p.channel, approved.request.chatId) };
  }),
  bindMethod(channelPairingReject, (p, { gateway, actor }) => {
    assertKnownChannel(p.channel);
    const request = rejectPairingCode(gateway.store, p.channel, p.code, Date.now());
    gateway.log.info({ channel: p.channel, senderId: request.senderId, by: actor.label }, 'channel pairing code rejected');
    return { request };
  }),
  bindMethod(channelPairingRevoke, (p, { gateway, actor }) => {
    assertKnownChannel(p.channel);
    const sender = revokeSender(gateway.store, p.channel, p.sender);
    gateway.log.info({ channel: p.channel, senderId: sender.senderId, by: actor.label }, 'channel sender revoked');
    return { sender };
  }),
];
