import { chmodSync, lstatSync } from 'node:fs';
import { channelConfigProblems } from '../../config/channel-problems.js';
import { telegramSettings } from '../../channels/telegram/config.js';
import { BOT_TOKEN_ENV, resolveBotToken, tokenFilePath } from '../../channels/telegram/token.js';
import type { DoctorCheck, DraftFinding } from '../types.js';
import { finding } from '../types.js';

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

/**
 * telegram-channel: channels.telegram is consistent, a bot token is found (config, tokenFile, TELEGRAM_BOT_TOKEN)
 * and its file is private; when the gateway answers, the channel's own state (a rejected token, a second
 * poller). Never calls Telegram and never prints the token (fingerprint only).
 */
export const telegramChannel: DoctorCheck = {
  id: 'telegram-channel',
  async run(ctx) {
    const view = ctx.config();
    if (view.error) return { summary: 'config unreadable (see config-valid)', findings: [] };
    const cfg = view.config.channels?.telegram;
    if (!cfg) return { summary: 'not configured (see docs/telegram.md)', findings: [] };
    if (!telegramSettings(cfg).enabled) return { summary: 'configured but disabled (channels.telegram.enabled is false)', findings: [] };
    const findings: DraftFinding[] = [];
    for (const problem of channelConfigProblems(view.config)) findings.push(finding('telegram-config', 'error', problem, 'clawgate config set / unset the key named (see docs/telegram.md)'));
    const settings = telegramSettings(cfg);
    if (settings.dmPolicy === 'allowlist' && settings.allowFrom.size === 0) {
      findings.push(finding('telegram-allowlist-empty', 'info', 'dmPolicy is "allowlist" and allowFrom is empty: only senders approved with clawgate pairing approve can talk', 'add user ids to channels.telegram.allowFrom, or use dmPolicy "pairing"'));
    }
    const token = resolveBotToken(cfg, ctx.env, ctx.paths.stateDir);
    if (token.source === 'none') {
      findings.push(finding('telegram-token-unset', 'warn', `no bot token in channels.telegram.botToken, channels.telegram.tokenFile or ${BOT_TOKEN_ENV} (in this shell; the gateway's environment may differ)`, token.fix));
    } else if (token.problem) {
      findings.push(finding(token.source === 'file' ? 'telegram-token-file-unreadable' : 'telegram-token-invalid', 'error', token.problem, token.fix));
    }
    if (cfg.botToken === undefined && cfg.tokenFile !== undefined) {
      const path = tokenFilePath(cfg.tokenFile, ctx.paths.stateDir);
      try {
        const st = lstatSync(path);
        if ((st.mode & 0o077) !== 0 && st.isFile()) {
          findings.push(finding('telegram-token-file-permissions', 'warn', `${path} is ${octal(st.mode)}: other users can read the bot token`, `chmod 600 ${path}`, () => {
            const now = lstatSync(path);
            if (!now.isFile()) throw new Error(`${path} is no longer a regular file`);
            chmodSync(path, 0o600);
            return { action: `chmod ${path} ${octal(now.mode)} -> 0600` };
          }));
        }
      } catch {
        // unreadable: reported above
      }
    }
    const st = await ctx.gatewayStatus();
    const live = st.state === 'ok' ? st.status.channels?.find((c) => c.channel === 'telegram') : undefined;
    if (live && (live.state === 'failed' || live.state === 'conflict')) {
      findings.push(finding(`telegram-${live.state}`, 'error', `the gateway's telegram channel is ${live.state}: ${live.lastError ?? 'no detail'}`, live.fix ?? 'clawgate channels status'));
    }
    const where = token.secret ? `token from ${token.label} (${token.secret.fingerprint})` : `token: ${token.problem ?? 'none'}`;
    const state = live ? `; gateway reports ${live.state}${live.account ? ` as ${live.account}` : ''}` : '';
    return { summary: `dmPolicy ${settings.dmPolicy}, groups ${settings.groups.policy}; ${where}${state}`, findings };
  },
};
