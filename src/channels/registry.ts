import type { Logger } from 'pino';
import type { AgentRuntimeApi } from '../agents/runtime-api.js';
import type { ApprovalService } from '../approvals/approval-service.js';
import type { Config } from '../config/schema.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import type { Store } from '../store/store.js';
import type { Channels, ChannelStatus, ChannelTarget } from './channel.js';
import { telegramSettings } from './telegram/config.js';
import type { TelegramChannel } from './telegram/channel.js';
import { assertKnownChannel, TELEGRAM } from './known.js';
import { resolveBotToken } from './telegram/token.js';

/** What the gateway hands to createChannels. */
export interface ChannelDeps {
  readonly store: Store;
  readonly runtime: AgentRuntimeApi;
  readonly log: Logger;
  readonly stateDir: string;
  readonly env: NodeJS.ProcessEnv;
  /** Where poller locks live (tests give their own). */
  readonly lockDir?: string;
  /** Exec approvals: Telegram approvers get pending requests with buttons (absent: no buttons). */
  readonly approvals?: ApprovalService;
}

/** The gateway's channels: the configured ones running, the others reported as stopped. */
export class GatewayChannels implements Channels {
  readonly #telegram: TelegramChannel | undefined;
  readonly #telegramConfigured: boolean;

  constructor(telegram: TelegramChannel | undefined, telegramConfigured: boolean) {
    this.#telegram = telegram;
    this.#telegramConfigured = telegramConfigured;
  }

  /** Start every configured channel (in the background; problems show in status). */
  start(): void {
    this.#telegram?.start();
  }

  async deliver(target: ChannelTarget, text: string): Promise<void> {
    assertKnownChannel(target.channel);
    if (!this.#telegram) {
      const why = this.#telegramConfigured ? 'is disabled (channels.telegram.enabled is false)' : 'is not configured (see docs/telegram.md)';
      throw new ClawgateError('CHANNEL_UNAVAILABLE', `cannot deliver to ${target.channel}: the channel ${why}`, { channel: target.channel });
    }
    await this.#telegram.deliver(target.to, text);
  }

  status(): ChannelStatus[] {
    if (this.#telegram) return [this.#telegram.status()];
    return [{ channel: TELEGRAM, configured: this.#telegramConfigured, state: 'stopped' }];
  }

  async close(): Promise<void> {
    await this.#telegram?.close();
  }
}

/** Build the channels of a config (not started). grammY is loaded only when Telegram is configured. */
export async function createChannels(config: Config | undefined, deps: ChannelDeps): Promise<GatewayChannels> {
  const cfg = config?.channels?.telegram;
  if (!cfg) return new GatewayChannels(undefined, false);
  const settings = telegramSettings(cfg);
  if (!settings.enabled) return new GatewayChannels(undefined, true);
  const token = resolveBotToken(cfg, deps.env, deps.stateDir);
  const { TelegramChannel } = await import('./telegram/channel.js');
  const telegram = new TelegramChannel({ settings, token, store: deps.store, runtime: deps.runtime, log: deps.log, stateDir: deps.stateDir, ...(deps.lockDir ? { lockDir: deps.lockDir } : {}), ...(deps.approvals ? { approvals: deps.approvals } : {}) });
  return new GatewayChannels(telegram, true);
}
