import { ClawgateError } from '../protocol/error-catalogue.js';

/** The Telegram channel id in session keys, origins, pairing rows and targets. */
export const TELEGRAM = 'telegram';

/** Channels this gateway knows (configured or not). Kept apart from the channels so the CLI loads no bot client. */
export const KNOWN_CHANNELS: readonly string[] = [TELEGRAM];

/** Throw UNKNOWN_CHANNEL unless channel is one this gateway knows. */
export function assertKnownChannel(channel: string): void {
  if (!KNOWN_CHANNELS.includes(channel)) {
    throw new ClawgateError('UNKNOWN_CHANNEL', `unknown channel "${channel.slice(0, 32)}"; known: ${KNOWN_CHANNELS.join(', ')}`, { channel });
  }
}
