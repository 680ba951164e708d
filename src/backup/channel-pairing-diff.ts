import { diffKeyed } from './keyed-diff.js';
import type { ChannelCodeRow, ChannelSenderRow, StoreSnapshot } from './store-snapshot.js';

/** What a restore rolls back of chat-channel DM pairing: approved senders and pending codes. */
export interface ChannelPairingDiff {
  senders: { unapproved: ChannelSenderRow[]; approved: ChannelSenderRow[] };
  codes: { dropped: ChannelCodeRow[]; restored: ChannelCodeRow[] };
}

/** Compare channel DM pairing between the current store and the backup. */
export function diffChannelPairing(cur: StoreSnapshot, bak: StoreSnapshot): ChannelPairingDiff {
  const senders = diffKeyed(cur.channelSenders, bak.channelSenders, (s) => `${s.channel}\u0000${s.senderId}`);
  const codes = diffKeyed(cur.channelCodes, bak.channelCodes, (c) => `${c.channel}\u0000${c.code}`);
  return { senders: { unapproved: senders.removed, approved: senders.restored }, codes: { dropped: codes.removed, restored: codes.restored } };
}

/** "Telegram sender @ann (id 111)". */
function sender(channel: string, senderId: string, senderName: string | null): string {
  const ch = channel.charAt(0).toUpperCase() + channel.slice(1);
  return senderName ? `${ch} sender ${senderName} (id ${senderId})` : `${ch} sender ${senderId}`;
}

/** Human section for channel pairing; empty when nothing differs. */
export function describeChannelPairing(d: ChannelPairingDiff, nowMs: number): Array<[string, string[]]> {
  return [
    [
      'Chat-channel DM pairing',
      [
        ...d.senders.unapproved.map((s) => `- ${sender(s.channel, s.senderId, s.senderName)} is no longer approved (approved after the backup was made)`),
        ...d.senders.approved.map((s) => `+ ${sender(s.channel, s.senderId, s.senderName)} is approved again`),
        ...d.codes.dropped.map((c) => `- pairing code ${c.code} of ${sender(c.channel, c.senderId, c.senderName)} is dropped; the sender gets a new code on their next message`),
        ...d.codes.restored.map((c) => `+ pairing code ${c.code} of ${sender(c.channel, c.senderId, c.senderName)}${c.expiresAtMs <= nowMs ? ' comes back expired (it cannot be approved)' : ' comes back'}`),
      ],
    ],
  ];
}
