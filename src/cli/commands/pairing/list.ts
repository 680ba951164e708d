import type { Command } from 'commander';
import type { Static } from '@sinclair/typebox';
import { listChannelPairing } from '../../../channels/pairing.js';
import { assertKnownChannel } from '../../../channels/known.js';
import { inert, MAX_DISPLAY_NAME_CHARS } from '../../../protocol/display-text.js';
import type { ChannelAllowedSenderSchema, ChannelPairingRequestSchema } from '../../../protocol/methods/channel-pairing.js';
import type { CliContext } from '../../context.js';
import { withGateway } from '../../gateway-call.js';
import { withPairingAccess } from '../../local-fallback.js';
import { ago, formatTable } from '../../table.js';
import { channelPairingList } from '../../../protocol/methods/channel-pairing.js';

export type ChannelPairingList = { pending: Static<typeof ChannelPairingRequestSchema>[]; allowed: Static<typeof ChannelAllowedSenderSchema>[] };

/** channel.pairing.list over RPC, or on the store when the gateway is down or refuses this CLI. */
export function fetchChannelPairing(c: CliContext, channel: string | undefined): Promise<ChannelPairingList> {
  return withPairingAccess(
    c,
    (target) => withGateway(c, [channelPairingList], (client) => client.call(channelPairingList, channel ? { channel } : {}), target),
    (store) => listChannelPairing(store, channel, Date.now()),
  );
}

function inMinutes(ms: number): string {
  const min = Math.max(0, Math.ceil((ms - Date.now()) / 60_000));
  return `${min} min`;
}

/** A sender's name as the chat gave it, made inert and bounded (the sender chose it); undefined when none. */
export function senderName(s: { senderName?: string | undefined }): string | undefined {
  return s.senderName === undefined ? undefined : inert(s.senderName, MAX_DISPLAY_NAME_CHARS);
}

/** `name (id)` of a sender, or the id alone, for a one-line message. */
export function senderLabel(s: { senderName?: string | undefined; senderId: string }): string {
  const name = senderName(s);
  const id = inert(s.senderId, MAX_DISPLAY_NAME_CHARS);
  return name ? `${name} (${id})` : id;
}

/** Human tables of pending codes and approved senders. */
export function renderChannelPairing(list: ChannelPairingList): string {
  const out: string[] = [];
  if (list.pending.length === 0) out.push('Pending codes: none');
  else {
    out.push(`Pending codes (${list.pending.length}):`);
    out.push(formatTable(['CHANNEL', 'CODE', 'SENDER', 'NAME', 'ASKED', 'EXPIRES IN'], list.pending.map((p) => [p.channel, p.code, p.senderId, senderName(p), ago(p.createdAtMs), inMinutes(p.expiresAtMs)])));
    out.push('Approve with: clawgate pairing approve <CHANNEL> <CODE>');
  }
  out.push('');
  if (list.allowed.length === 0) out.push('Approved senders: none');
  else {
    out.push(`Approved senders (${list.allowed.length}):`);
    out.push(formatTable(['CHANNEL', 'SENDER', 'NAME', 'APPROVED', 'BY'], list.allowed.map((a) => [a.channel, a.senderId, senderName(a), ago(a.approvedAtMs), a.approvedBy])));
  }
  return out.join('\n');
}

/** `clawgate pairing list [channel]`. */
export function register(pairing: Command, ctx: () => CliContext): void {
  pairing
    .command('list')
    .description('list pending DM pairing codes and approved senders')
    .argument('[channel]', 'only this channel (telegram)')
    .option('--json', 'print {pending, allowed} as JSON')
    .action(async (channel: string | undefined, opts: { json?: boolean }) => {
      const c = ctx();
      if (channel !== undefined) assertKnownChannel(channel);
      const list = await fetchChannelPairing(c, channel);
      if (opts.json || c.json) c.printJson(list);
      else c.io.out(renderChannelPairing(list));
    });
}
