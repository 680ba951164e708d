import type { Config } from './schema.js';

/** A Telegram user or group id (digits, groups negative) or a @username (5-32 letters, digits, `_`). */
const TELEGRAM_ID_RE = /^-?\d{1,20}$/;
const TELEGRAM_USERNAME_RE = /^@[A-Za-z][A-Za-z0-9_]{3,31}$/;

/** True when value names a Telegram peer: a numeric id or an @username. */
export function isTelegramPeer(value: string | number): boolean {
  const text = String(value).trim();
  return TELEGRAM_ID_RE.test(text) || TELEGRAM_USERNAME_RE.test(text);
}

/** An apiRoot's problem; the URL itself is never echoed (it may hold credentials). */
function apiRootProblem(apiRoot: string): string | undefined {
  let url: URL;
  try {
    url = new URL(apiRoot);
  } catch {
    return 'channels.telegram.apiRoot: not a valid URL; use e.g. https://api.telegram.org or http://127.0.0.1:8081 for a local Bot API server';
  }
  if (url.username !== '' || url.password !== '') return 'channels.telegram.apiRoot: must not contain credentials (user:password@); remove them';
  if (url.search !== '' || url.hash !== '') return 'channels.telegram.apiRoot: must not have a query or fragment; give only scheme, host, port and path';
  return undefined;
}

/** Rules of channels.* that span keys; each problem starts with its key path. */
export function channelConfigProblems(config: Config): string[] {
  const tg = config.channels?.telegram;
  if (!tg) return [];
  const problems: string[] = [];
  if (tg.apiRoot !== undefined) {
    const p = apiRootProblem(tg.apiRoot);
    if (p) problems.push(p);
  }
  (tg.allowFrom ?? []).forEach((entry, i) => {
    if (!isTelegramPeer(entry)) problems.push(`channels.telegram.allowFrom.${i}: ${JSON.stringify(entry)} is neither a Telegram user id (digits) nor an @username`);
  });
  (tg.groups?.allow ?? []).forEach((entry, i) => {
    if (!TELEGRAM_ID_RE.test(String(entry).trim())) problems.push(`channels.telegram.groups.allow.${i}: ${JSON.stringify(entry)} is not a Telegram group id (digits, e.g. -1001234567890)`);
  });
  if (tg.groups?.policy === 'allowlist' && (tg.groups.allow ?? []).length === 0) {
    problems.push('channels.telegram.groups.allow: groups.policy is "allowlist" but no group is listed; add group ids, or set groups.policy to "disabled"');
  }
  return problems;
}
