/** Failed attempts allowed per address and scope within the window before a lockout. */
export const AUTH_FAILURE_LIMIT = 10;
export const AUTH_FAILURE_WINDOW_MS = 60_000;
export const AUTH_LOCKOUT_MS = 300_000;
/** Addresses tracked at most; the oldest entry is forgotten first, so memory stays bounded under a spray. */
export const AUTH_TRACKED_ADDRESSES_MAX = 10_000;

/** What a failure was against: the shared gateway token, or a device token. Counted separately. */
export type AuthScope = 'shared-secret' | 'device-token';

interface Entry {
  failures: number[];
  lockedUntilMs: number;
}

/**
 * Per-address, per-scope failed-auth limiter with a fixed lockout. The caller decides which addresses
 * are exempt (loopback-direct by default) and keys proxied connections by their proxy.
 */
export class AuthRateLimiter {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly limit = AUTH_FAILURE_LIMIT,
    private readonly windowMs = AUTH_FAILURE_WINDOW_MS,
    private readonly lockoutMs = AUTH_LOCKOUT_MS,
    private readonly maxTracked = AUTH_TRACKED_ADDRESSES_MAX,
  ) {}

  /** Milliseconds until this address may try this scope again; 0 when it may now. */
  retryAfterMs(address: string, scope: AuthScope, nowMs = Date.now()): number {
    const e = this.#entries.get(`${scope}|${address}`);
    return e && e.lockedUntilMs > nowMs ? e.lockedUntilMs - nowMs : 0;
  }

  /** Record one failure; returns true when it started a lockout. */
  recordFailure(address: string, scope: AuthScope, nowMs = Date.now()): boolean {
    const key = `${scope}|${address}`;
    let e = this.#entries.get(key);
    if (e) this.#entries.delete(key); // re-insert: Map order is the eviction order
    else e = { failures: [], lockedUntilMs: 0 };
    e.failures = e.failures.filter((t) => nowMs - t < this.windowMs);
    e.failures.push(nowMs);
    let locked = false;
    if (e.failures.length >= this.limit && e.lockedUntilMs <= nowMs) {
      e.lockedUntilMs = nowMs + this.lockoutMs;
      e.failures = [];
      locked = true;
    }
    this.#entries.set(key, e);
    while (this.#entries.size > this.maxTracked) this.#entries.delete(this.#entries.keys().next().value!);
    return locked;
  }

  /** Number of tracked address/scope pairs (for tests and status). */
  get size(): number {
    return this.#entries.size;
  }
}
