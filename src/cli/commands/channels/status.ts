import type { Command } from 'commander';
import type { ChannelStatus } from '../../../channels/channel.js';
import { inert, MAX_DISPLAY_TEXT_CHARS } from '../../../protocol/display-text.js';
import type { CliContext } from '../../context.js';
import { callGateway } from '../../gateway-call.js';
import { ago, formatTable } from '../../table.js';
import { channelsStatus } from '../../../protocol/methods/channels.js';

/** Human view of channels.status: one row per channel, then each problem with its fix. */
export function renderChannels(channels: readonly ChannelStatus[]): string {
  const out = [
    formatTable(
      ['CHANNEL', 'STATE', 'ACCOUNT', 'TOKEN', 'PENDING', 'APPROVED'],
      channels.map((ch) => [ch.channel, ch.configured ? ch.state : 'not configured', ch.account, ch.tokenSource ? `${ch.tokenSource}${ch.tokenFingerprint ? ` (${ch.tokenFingerprint})` : ''}` : undefined, ch.pendingPairings?.toString(), ch.allowedSenders?.toString()]),
    ),
  ];
  for (const ch of channels) {
    // The last error quotes what the chat service answered: inert on screen.
    if (ch.lastError) out.push(`${ch.channel}: last error ${ch.lastErrorAtMs ? ago(ch.lastErrorAtMs) : ''}: ${inert(ch.lastError, MAX_DISPLAY_TEXT_CHARS)}`);
    if (ch.fix) out.push(`  fix: ${inert(ch.fix, MAX_DISPLAY_TEXT_CHARS)}`);
  }
  return out.join('\n');
}

/** `clawgate channels status`. */
export function register(channels: Command, ctx: () => CliContext): void {
  channels
    .command('status')
    .description('state of the chat channels: running, failed or conflict, bot account, token source, last error and fix')
    .option('--json', 'print {channels} as JSON')
    .action(async (opts: { json?: boolean }) => {
      const c = ctx();
      const result = await callGateway(c, channelsStatus);
      if (opts.json || c.json) c.printJson(result);
      else c.io.out(renderChannels(result.channels));
    });
}
