/**
 * Replies to unknown senders as a group, per window: the per-sender limit (reply-limiter.ts) does not stop many
 * distinct strangers (or one person with many accounts) from making the bot send a message for each of theirs.
 */
export const STRANGER_REPLIES_PER_WINDOW = 30;
/** The window of STRANGER_REPLIES_PER_WINDOW. */
export const STRANGER_REPLY_WINDOW_MS = 10 * 60_000;

/**
 * A global sliding-window budget. Memory is bounded by the limit (one timestamp per reply in the window).
 * `hasRoom` and `take` are separate so the caller can apply its per-sender limit in between and spend the
 * budget only on a reply it really sends.
 */
export class ReplyBudget {
  #times: number[] = [];
  readonly #limit: number;
  readonly #windowMs: number;
  /** When the exhaustion was last reported. */
  #reportedAtMs: number | undefined;
  /** Replies refused since the last report. */
  #refused = 0;

  constructor(limit = STRANGER_REPLIES_PER_WINDOW, windowMs = STRANGER_REPLY_WINDOW_MS) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /** True when one more reply fits in the window now. */
  hasRoom(nowMs: number): boolean {
    this.#times = this.#times.filter((t) => nowMs - t < this.#windowMs);
    if (this.#times.length < this.#limit) return true;
    this.#refused++;
    return false;
  }

  /** Count a reply sent now. */
  take(nowMs: number): void {
    this.#times.push(nowMs);
  }

  /**
   * When the budget is exhausted, whether to log it now: at most once per window, with the replies refused since
   * the last report (so a flood of strangers gives one log line per window, not one per message).
   */
  report(nowMs: number): { refused: number } | undefined {
    if (this.#reportedAtMs !== undefined && nowMs - this.#reportedAtMs < this.#windowMs) return undefined;
    this.#reportedAtMs = nowMs;
    const refused = this.#refused;
    this.#refused = 0;
    return { refused };
  }
}
