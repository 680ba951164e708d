import { ClawgateError } from '../protocol/error-catalogue.js';
import type { ProviderStateRecord } from '../store/provider-states.js';
import type { Store } from '../store/store.js';
import { formatUntil, PROVIDER_CODES, providerFix } from './provider-errors.js';
import { scrubSecrets } from './providers/classify-error.js';
import type { ProviderStatus } from './runtime-api.js';
import type { ProviderError, ProviderErrorClass, ResolvedProvider } from './types.js';

/** Billing back-off: 5 min, doubling per consecutive failure, at most 1 h. */
export const BILLING_BACKOFF_BASE_MS = 5 * 60_000;
export const BILLING_BACKOFF_MAX_MS = 60 * 60_000;
/** Rate-limit back-off when the provider gave no retry-after: 30 s doubling, at most 10 min. */
export const RATE_LIMIT_BACKOFF_BASE_MS = 30_000;
export const RATE_LIMIT_BACKOFF_MAX_MS = 10 * 60_000;
/** Overload back-off: 15 s doubling, at most 2 min. */
export const OVERLOADED_BACKOFF_BASE_MS = 15_000;
export const OVERLOADED_BACKOFF_MAX_MS = 2 * 60_000;

/** Fingerprint stored for a provider without a key, so "no key" compares like any other key. */
const NO_KEY = 'none';

const BACKOFF: Partial<Record<ProviderErrorClass, { readonly base: number; readonly max: number }>> = {
  billing: { base: BILLING_BACKOFF_BASE_MS, max: BILLING_BACKOFF_MAX_MS },
  rate_limit: { base: RATE_LIMIT_BACKOFF_BASE_MS, max: RATE_LIMIT_BACKOFF_MAX_MS },
  overloaded: { base: OVERLOADED_BACKOFF_BASE_MS, max: OVERLOADED_BACKOFF_MAX_MS },
};

/** What a cooldown is "after", in words. */
const CAUSE_WORDS: Partial<Record<ProviderErrorClass, string>> = {
  billing: 'a billing or quota refusal',
  rate_limit: 'a rate limit',
  overloaded: 'a provider overload or server error',
};

/**
 * Which providers may be called. Marks live in the store with absolute times, so a restart neither
 * extends nor forgets a window: `auth` stays until the key changes or the owner resets it; billing,
 * rate limits and overloads block until their window ends, and count consecutive failures until a success.
 */
/** The part of the store provider health uses (doctor passes a read-only one). */
export type ProviderStateStore = Pick<Store, 'providerStates' | 'write'>;

export class ProviderHealth {
  readonly #store: ProviderStateStore;
  readonly #now: () => number;

  constructor(store: ProviderStateStore, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
  }

  /** Throws the PROVIDER_* ClawgateError of the provider's mark while it holds; a new key lifts an auth mark. */
  check(p: ResolvedProvider): void {
    const row = this.#store.providerStates.get(p.id);
    if (!row) return;
    const now = this.#now();
    if (row.errorClass === 'auth') {
      if (row.keyFingerprint !== fingerprintOf(p)) {
        // The owner changed the key: the rejected one is gone, so is the mark.
        this.#store.providerStates.delete(p.id);
        return;
      }
      throw new ClawgateError(
        'PROVIDER_AUTH',
        `provider "${p.id}" rejected its credential (key ${fingerprintOf(p)} from ${p.keySource}); calls stay blocked until the key changes: ${providerFix(p, 'auth')}`,
        { providerId: p.id, errorClass: 'auth', untilMs: null },
      );
    }
    if (row.untilMs === undefined || now >= row.untilMs || !BACKOFF[row.errorClass]) return;
    throw new ClawgateError(
      PROVIDER_CODES[row.errorClass],
      `provider "${p.id}" is cooling down after ${CAUSE_WORDS[row.errorClass]} until ${formatUntil(row.untilMs, now)}: ${providerFix(p, row.errorClass)}`,
      { providerId: p.id, errorClass: row.errorClass, untilMs: row.untilMs },
    );
  }

  /**
   * Mark the provider after a classified failure. bad_request concerns one request, and network and
   * invalid_response are transient or per-request (a proxy hiccup, a cut stream): none of them marks,
   * or one odd request would block every session.
   */
  record(p: ResolvedProvider, err: ProviderError): void {
    const cls = err.errorClass;
    if (cls !== 'auth' && !BACKOFF[cls]) return;
    const now = this.#now();
    const detail = scrubSecrets(err.detail, p.apiKey?.reveal());
    this.#store.write(() => {
      const prev = this.#store.providerStates.get(p.id);
      const same = prev?.errorClass === cls;
      // Failures inside a window still open come from calls already in flight; they do not escalate.
      const windowOpen = same && prev.untilMs !== undefined && now < prev.untilMs;
      const failures = same ? (windowOpen ? prev.failures : prev.failures + 1) : 1;
      const row: ProviderStateRecord = { providerId: p.id, errorClass: cls, failures, status: err.status, detail, updatedAtMs: now };
      if (cls === 'auth') row.keyFingerprint = fingerprintOf(p);
      else row.untilMs = Math.max(now + windowMs(cls, failures, err.retryAfterMs), windowOpen ? prev.untilMs! : 0);
      this.#store.providerStates.upsert(row);
    });
  }

  /** A call succeeded: the provider is healthy and its failure count starts over. */
  recordSuccess(providerId: string): void {
    this.#store.providerStates.delete(providerId);
  }

  /** Health of each configured provider, with the owner's next step when not ok. */
  status(providers: readonly ResolvedProvider[]): ProviderStatus[] {
    const now = this.#now();
    return providers.map((p) => {
      const base = {
        id: p.id,
        api: p.api,
        baseUrl: p.baseUrl === undefined ? undefined : scrubSecrets(p.baseUrl),
        keySource: p.keySource,
        ...(p.apiKey ? { keyFingerprint: p.apiKey.fingerprint } : {}),
      };
      const row = this.#store.providerStates.get(p.id);
      if (!row) return { ...base, state: 'ok' as const };
      const marked = { errorClass: row.errorClass, failures: row.failures, detail: row.detail };
      if (row.errorClass === 'auth') {
        // A key changed since the rejection is lifted at the next check; report it as ok already.
        if (row.keyFingerprint !== fingerprintOf(p)) return { ...base, state: 'ok' as const };
        return { ...base, state: 'credential-rejected' as const, ...marked, fix: providerFix(p, 'auth') };
      }
      if (row.untilMs === undefined || now >= row.untilMs) return { ...base, state: 'ok' as const };
      return { ...base, state: 'cooldown' as const, ...marked, untilMs: row.untilMs, fix: providerFix(p, row.errorClass) };
    });
  }

  /** Clear one provider's mark or all marks; returns the ids cleared. */
  reset(providerId?: string): string[] {
    if (providerId !== undefined) return this.#store.providerStates.delete(providerId) ? [providerId] : [];
    return this.#store.providerStates.deleteAll();
  }
}

function fingerprintOf(p: ResolvedProvider): string {
  return p.apiKey?.fingerprint ?? NO_KEY;
}

/** The length of the window after the n-th consecutive failure: retry-after wins for rate limits. */
function windowMs(cls: ProviderErrorClass, failures: number, retryAfterMs: number | undefined): number {
  if (cls === 'rate_limit' && retryAfterMs !== undefined) return retryAfterMs;
  const b = BACKOFF[cls]!;
  return Math.min(b.base * 2 ** Math.min(failures - 1, 30), b.max);
}
