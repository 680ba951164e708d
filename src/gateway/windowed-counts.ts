/** Counts of events in the current window; `flush` gets them once per window, and only when something happened. */
export class WindowedCounts<K extends string> {
  readonly #windowMs: number;
  readonly #flush: (counts: Readonly<Record<K, number>>) => void;
  readonly #zero: Record<K, number>;
  #counts: Record<K, number>;
  #timer: NodeJS.Timeout | undefined;

  constructor(keys: readonly K[], windowMs: number, flush: (counts: Readonly<Record<K, number>>) => void) {
    this.#windowMs = windowMs;
    this.#flush = flush;
    this.#zero = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
    this.#counts = { ...this.#zero };
  }

  /** Count one event; the first of a window starts the window. */
  add(key: K): void {
    this.#counts[key]++;
    if (this.#timer) return;
    this.#timer = setTimeout(() => this.flushNow(), this.#windowMs);
    // A pending summary never keeps the process alive; close() flushes it.
    this.#timer.unref();
  }

  /** Report what the current window has counted (if anything) and start afresh. */
  flushNow(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const counts = this.#counts;
    this.#counts = { ...this.#zero };
    if (Object.values<number>(counts).some((n) => n > 0)) this.#flush(counts);
  }
}
