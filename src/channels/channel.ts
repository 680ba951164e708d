/** Where a message goes on a chat channel: the channel id (e.g. `telegram`) and its chat or user id. */
export interface ChannelTarget {
  readonly channel: string;
  readonly to: string;
}

/** A channel's state as `channels.status` and `clawgate status` show it. */
export interface ChannelStatus {
  readonly channel: string;
  readonly configured: boolean;
  /** `running` (polling), `stopped` (not configured or disabled), `failed` (needs the owner; see `fix`), `conflict`. */
  readonly state: 'running' | 'stopped' | 'failed' | 'conflict' | 'starting';
  /** Bot identity once known, e.g. `@my_bot`. */
  readonly account?: string;
  readonly tokenSource?: string;
  readonly tokenFingerprint?: string;
  readonly lastError?: string;
  readonly lastErrorAtMs?: number;
  readonly fix?: string;
  readonly pendingPairings?: number;
  readonly allowedSenders?: number;
}

/** The chat channels of a gateway, as cron delivery and the status methods use them. */
export interface Channels {
  /** Send text to a target; throws a ClawgateError naming the cause when the channel cannot deliver. */
  deliver(target: ChannelTarget, text: string): Promise<void>;
  status(): ChannelStatus[];
  /** Stop polling and release the channels' locks. */
  close(): Promise<void>;
}
