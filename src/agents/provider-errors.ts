import type { ErrorCode } from '../protocol/error-catalogue.js';
import { scrubSecrets } from './providers/classify-error.js';
import type { RunError } from './runtime-api.js';
import type { ProviderError, ProviderErrorClass, ResolvedProvider } from './types.js';

/** The catalogue code of each provider failure class. */
export const PROVIDER_CODES: Readonly<Record<ProviderErrorClass, ErrorCode>> = Object.freeze({
  auth: 'PROVIDER_AUTH',
  billing: 'PROVIDER_BILLING',
  rate_limit: 'PROVIDER_RATE_LIMITED',
  overloaded: 'PROVIDER_OVERLOADED',
  bad_request: 'PROVIDER_BAD_REQUEST',
  network: 'PROVIDER_NETWORK',
  invalid_response: 'PROVIDER_INVALID_RESPONSE',
});

/** Each class in words, as `provider "x" <words>`. */
export const CLASS_WORDS: Readonly<Record<ProviderErrorClass, string>> = Object.freeze({
  auth: 'rejected its credential',
  billing: 'refused for billing or quota reasons',
  rate_limit: 'is rate limiting requests',
  overloaded: 'is overloaded or failing on its side',
  bad_request: 'refused the request',
  network: 'could not be reached',
  invalid_response: 'answered in a format that is not its API',
});

/** What an end user may see, by failure; short and fixed, never a provider body, key, URL or stack. */
export type UserReplyKind = ProviderErrorClass | 'timeout' | 'internal' | 'config';

/** The fixed end-user texts. */
export const USER_REPLIES: Readonly<Record<UserReplyKind, string>> = Object.freeze({
  auth: "The assistant can't use its model right now because of a setup problem. The owner needs to fix it.",
  billing: "The assistant's model account is unavailable right now. Please try again later.",
  rate_limit: 'The assistant is receiving too many requests right now. Please try again in a moment.',
  overloaded: "The assistant's model is overloaded right now. Please try again in a moment.",
  bad_request: "The assistant's model could not handle this request.",
  network: "The assistant can't reach its model right now. Please try again later.",
  invalid_response: 'The assistant got an unreadable answer from its model. Please try again.',
  timeout: 'The assistant took too long to answer and stopped.',
  internal: "Something went wrong on the assistant's side. Please try again later.",
  config: 'The assistant has no model set up yet.',
});

/** The end-user text for a class, a reply kind or a catalogue code; anything unknown is `internal`. */
export function userReplyFor(classOrCode: string): string {
  if (Object.hasOwn(USER_REPLIES, classOrCode)) return USER_REPLIES[classOrCode as UserReplyKind];
  const cls = (Object.keys(PROVIDER_CODES) as ProviderErrorClass[]).find((c) => PROVIDER_CODES[c] === classOrCode);
  if (cls) return USER_REPLIES[cls];
  if (classOrCode === 'RUN_TIMEOUT') return USER_REPLIES.timeout;
  if (classOrCode === 'MODEL_NOT_CONFIGURED') return USER_REPLIES.config;
  return USER_REPLIES.internal;
}

/** The provider facts a fix may name (never the key). */
export type ProviderFacts = Pick<ResolvedProvider, 'id' | 'keySource'> & Partial<Pick<ResolvedProvider, 'api' | 'baseUrl'>>;

/** The owner's next step for a provider failure (when a pause ends is said by the caller, who knows it). */
export function providerFix(p: ProviderFacts, errorClass: ProviderErrorClass): string {
  const reset = `clawgate models reset ${p.id}`;
  switch (errorClass) {
    case 'auth': {
      const env = /^env (\S+)/.exec(p.keySource)?.[1];
      return env
        ? `put a valid key in the environment variable ${env} and restart the gateway, or run: ${reset}`
        : `set a new key: clawgate config set models.providers.${p.id}.apiKey <key>, or run: ${reset}`;
    }
    case 'billing':
      return `add credit or raise the quota of the ${p.id} account, then wait for the pause to end or run: ${reset}`;
    case 'rate_limit':
      return `wait for the pause to end or run: ${reset}; if it repeats, run fewer agents at once or raise the account's limits`;
    case 'overloaded':
      return `the provider failed on its side; wait for the pause to end or run: ${reset}`;
    case 'bad_request':
      return `check the model name and its options in models.providers.${p.id}; the provider's answer is in the gateway log`;
    case 'network':
      return `check that models.providers.${p.id}.baseUrl${p.baseUrl ? ` (${scrubSecrets(p.baseUrl)})` : ''} is reachable from the gateway host`;
    case 'invalid_response':
      return `check that models.providers.${p.id}.baseUrl points at ${p.api ? `an ${p.api} API` : 'the provider API'}`;
  }
}

/** An absolute time the owner can read, with how far away it is. */
export function formatUntil(untilMs: number, nowMs: number): string {
  const s = Math.max(0, Math.ceil((untilMs - nowMs) / 1000));
  const rel = s < 120 ? `${s} s` : s < 7200 ? `${Math.ceil(s / 60)} min` : `${Math.ceil(s / 3600)} h`;
  return `${new Date(untilMs).toISOString()} (in ${rel})`;
}

/**
 * A ProviderError as the run's error for the owner: the catalogue code, the provider id, the class in words,
 * the HTTP status, the scrubbed detail and the fix. Pass the provider when known, so the fix can name where
 * its key comes from.
 */
export function toRunError(err: ProviderError, provider?: ProviderFacts, pause?: { untilMs: number; nowMs: number }): RunError {
  const facts: ProviderFacts = provider ?? { id: err.providerId, keySource: 'config' };
  const status = err.status !== undefined ? ` (HTTP ${err.status})` : '';
  // The detail often starts with the same status; say it once.
  const detail = err.status !== undefined ? err.detail.replace(new RegExp(`^HTTP ${err.status}\\s*`), '') : err.detail;
  const paused = pause ? `; paused until ${formatUntil(pause.untilMs, pause.nowMs)}` : '';
  return {
    code: PROVIDER_CODES[err.errorClass],
    message: `provider "${err.providerId}" ${CLASS_WORDS[err.errorClass]}${status}: ${detail}${paused}; ${providerFix(facts, err.errorClass)}`,
    providerId: err.providerId,
    errorClass: err.errorClass,
  };
}
