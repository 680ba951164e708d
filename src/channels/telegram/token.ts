import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { Secret } from '../../auth/secret.js';
import type { TelegramConfig } from './config.js';

/** The environment variable read when config names no token. */
export const BOT_TOKEN_ENV = 'TELEGRAM_BOT_TOKEN';
/** BotFather tokens are `<bot id>:<secret>`; anything else is refused before a request carries it. */
export const BOT_TOKEN_RE = /^\d{1,20}:[A-Za-z0-9_-]{20,200}$/;
/** A token file larger than this is not a token file. */
const MAX_TOKEN_FILE_BYTES = 4096;

/** Where the bot token came from: config, a file, the environment, or nowhere. */
export type BotTokenSource = 'config' | 'file' | 'env' | 'none';

/** The bot token (never printed: fingerprint only), its source, and the problem when it is unusable. */
export interface ResolvedBotToken {
  readonly secret?: Secret;
  readonly source: BotTokenSource;
  /** The source in words: `channels.telegram.botToken`, `file /path`, `env TELEGRAM_BOT_TOKEN`. */
  readonly label: string;
  readonly problem?: string;
  /** The owner's next step when the token is missing, unreadable or rejected. */
  readonly fix: string;
}

/** tokenFile as a path: `~/` expanded, relative paths taken from the state dir. */
export function tokenFilePath(file: string, stateDir: string): string {
  if (file === '~' || file.startsWith('~/')) return join(homedir(), file.slice(1));
  return isAbsolute(file) ? file : resolve(stateDir, file);
}

/** The owner's fix for a bad token from this source. */
function fixFor(source: BotTokenSource, file?: string): string {
  if (source === 'file') return `write a valid token from @BotFather to ${file} and restart the gateway (clawgate gateway restart)`;
  if (source === 'env') return `put a valid token from @BotFather in ${BOT_TOKEN_ENV} in the gateway's environment and restart the gateway`;
  return 'set a new one with clawgate config set channels.telegram.botToken <token from @BotFather> and restart the gateway (clawgate gateway restart)';
}

function checked(value: string, source: BotTokenSource, label: string, fix: string): ResolvedBotToken {
  const token = value.trim();
  if (!BOT_TOKEN_RE.test(token)) {
    return { source, label, fix, problem: `the bot token from ${label} is not a BotFather token (expected <digits>:<secret>)` };
  }
  return { secret: new Secret(token), source, label, fix };
}

/** Resolve the bot token: botToken, then tokenFile (read now), then TELEGRAM_BOT_TOKEN. */
export function resolveBotToken(cfg: TelegramConfig, env: NodeJS.ProcessEnv, stateDir: string): ResolvedBotToken {
  if (cfg.botToken !== undefined) return checked(cfg.botToken, 'config', 'channels.telegram.botToken', fixFor('config'));
  if (cfg.tokenFile !== undefined) {
    const path = tokenFilePath(cfg.tokenFile, stateDir);
    const label = `file ${path}`;
    try {
      if (statSync(path).size > MAX_TOKEN_FILE_BYTES) return { source: 'file', label, fix: fixFor('file', path), problem: `${path} is larger than a token file (${MAX_TOKEN_FILE_BYTES} bytes)` };
      return checked(readFileSync(path, 'utf8'), 'file', label, fixFor('file', path));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      return { source: 'file', label, fix: fixFor('file', path), problem: `cannot read channels.telegram.tokenFile ${path} (${code})` };
    }
  }
  const fromEnv = env[BOT_TOKEN_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return checked(fromEnv, 'env', `env ${BOT_TOKEN_ENV}`, fixFor('env'));
  return {
    source: 'none',
    label: 'none',
    problem: 'no bot token is configured',
    fix: `get a token from @BotFather and run clawgate config set channels.telegram.botToken <token> (or set channels.telegram.tokenFile, or ${BOT_TOKEN_ENV}), then restart the gateway`,
  };
}

/** Replace every occurrence of the token in text (URLs in network errors carry it) with its fingerprint. */
export function scrubToken(text: string, token: Secret | undefined): string {
  if (!token) return text;
  const raw = token.reveal();
  return text.split(raw).join(`<bot token ${token.fingerprint}>`);
}
