/** A counting semaphore with a FIFO of waiters; the limit can change at run time (config reload). */
export class Semaphore {
  #limit: number;
  #active = 0;
  readonly #waiters: Array<() => void> = [];

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  /** Change the limit; waiters start at once when it grows. */
  setLimit(limit: number): void {
    this.#limit = Math.max(1, limit);
    this.#drain();
  }

  get active(): number {
    return this.#active;
  }

  /** Wait for a slot; the signal gives up waiting (the slot is not taken). Returns the release function. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        this.#active++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.#active--;
          this.#drain();
        });
      };
      const onAbort = () => {
        const i = this.#waiters.indexOf(grant);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(grant);
      this.#drain();
    });
  }

  #drain(): void {
    while (this.#active < this.#limit && this.#waiters.length > 0) this.#waiters.shift()!();
  }
}
