/** Pairing replies one sender may get per window; more messages in the window are logged, not answered. */
export const PAIRING_REPLIES_PER_WINDOW = 3;
/** The window of PAIRING_REPLIES_PER_WINDOW. */
export const PAIRING_REPLY_WINDOW_MS = 10 * 60_000;
/** Senders tracked at once; the least recently seen are forgotten first. */
export const MAX_TRACKED_SENDERS = 10_000;

/**
 * Bounds the automatic replies to unknown senders, so someone who keeps writing cannot make the bot send a
 * message for each of theirs. Memory is bounded too (oldest senders forgotten first).
 */
export class ReplyLimiter {
  readonly #times = new Map<string, number[]>();
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;

  constructor(limit = PAIRING_REPLIES_PER_WINDOW, windowMs = PAIRING_REPLY_WINDOW_MS, maxKeys = MAX_TRACKED_SENDERS) {
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#maxKeys = maxKeys;
  }

  /** True (and counted) when this key may get another reply now. */
  allow(key: string, nowMs: number): boolean {
    const recent = (this.#times.get(key) ?? []).filter((t) => nowMs - t < this.#windowMs);
    this.#times.delete(key);
    if (recent.length >= this.#limit) {
      this.#times.set(key, recent);
      return false;
    }
    recent.push(nowMs);
    this.#times.set(key, recent);
    while (this.#times.size > this.#maxKeys) this.#times.delete(this.#times.keys().next().value!);
    return true;
  }
}
