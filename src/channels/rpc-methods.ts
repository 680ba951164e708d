import type { Logger } from 'pino';
import { implement, type MethodImpl } from '../protocol/methods/define.js';
import type { Store } from '../store/store.js';
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
export function channelMethods(store: Store, channels: Channels, log: Logger): readonly MethodImpl[] {
  return [
  implement(channelsStatus, () => ({ channels: channels.status() })),
  implement(channelPairingList, (p) => {
    if (p?.channel !== undefined) assertKnownChannel(p.channel);
    return listChannelPairing(store, p?.channel, Date.now());
  }),
  implement(channelPairingApprove, async (p, { caller }) => {
    assertKnownChannel(p.channel);
    const approved = approvePairingCode(store, p.channel, p.code, caller.label, Date.now());
    log.info({ channel: p.channel, senderId: approved.sender.senderId, by: caller.label }, 'channel sender approved');
    return { ...approved, notified: await notifyApproved(channels, p.channel, approved.request.chatId) };
  }),
  implement(channelPairingReject, (p, { caller }) => {
    assertKnownChannel(p.channel);
    const request = rejectPairingCode(store, p.channel, p.code, Date.now());
    log.info({ channel: p.channel, senderId: request.senderId, by: caller.label }, 'channel pairing code rejected');
    return { request };
  }),
  implement(channelPairingRevoke, (p, { caller }) => {
    assertKnownChannel(p.channel);
    const sender = revokeSender(store, p.channel, p.sender);
    log.info({ channel: p.channel, senderId: sender.senderId, by: caller.label }, 'channel sender revoked');
    return { sender };
  }),
  ];
}
