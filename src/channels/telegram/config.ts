import type { Config } from '../../config/schema.js';
import { PAIRING_DEFAULTS } from '../pairing.js';

/** channels.telegram as written in clawgate.json. */
export type TelegramConfig = NonNullable<NonNullable<Config['channels']>['telegram']>;

/** Who may write to the bot in a direct chat. */
export type DmPolicy = 'pairing' | 'allowlist' | 'open' | 'disabled';
/** Which groups the bot answers in. */
export type GroupPolicy = 'disabled' | 'allowlist' | 'open';

/** channels.telegram with its defaults applied (the token is resolved separately). */
export interface TelegramSettings {
  readonly enabled: boolean;
  readonly apiRoot: string | undefined;
  readonly dmPolicy: DmPolicy;
  /** Allowed user ids (as strings) and lower-cased @usernames. */
  readonly allowFrom: ReadonlySet<string>;
  /** Who gets exec approval requests with buttons: user ids (as strings) and lower-cased @usernames. */
  readonly approvers: ReadonlySet<string>;
  readonly groups: { readonly policy: GroupPolicy; readonly requireMention: boolean; readonly allow: ReadonlySet<string> };
  readonly pairing: { readonly codeTtlMinutes: number; readonly maxPending: number };
}

/** A peer entry as compared: ids as digits, usernames lower-cased with their `@`. */
export function normalizePeer(entry: string | number): string {
  const text = String(entry).trim();
  return text.startsWith('@') ? text.toLowerCase() : text;
}

/** Defaults: enabled when configured, DM pairing, groups off (mention required when on), codes valid 60 min, 3 pending. */
export function telegramSettings(cfg: TelegramConfig): TelegramSettings {
  return {
    enabled: cfg.enabled ?? true,
    apiRoot: cfg.apiRoot?.replace(/\/+$/, ''),
    dmPolicy: cfg.dmPolicy ?? 'pairing',
    allowFrom: new Set((cfg.allowFrom ?? []).map(normalizePeer)),
    approvers: new Set((cfg.approvers ?? []).map(normalizePeer)),
    groups: {
      policy: cfg.groups?.policy ?? 'disabled',
      requireMention: cfg.groups?.requireMention ?? true,
      allow: new Set((cfg.groups?.allow ?? []).map(normalizePeer)),
    },
    pairing: {
      codeTtlMinutes: cfg.pairing?.codeTtlMinutes ?? PAIRING_DEFAULTS.codeTtlMinutes,
      maxPending: cfg.pairing?.maxPending ?? PAIRING_DEFAULTS.maxPending,
    },
  };
}
