import type { RunningGateway } from '../helpers/gateway-process.js';

/** One run of the gateway between a (re)start and its SIGKILL. */
export interface Life {
  gw: RunningGateway;
  dead: Promise<void>;
}

/** Hands each new gateway life to the workers driving it; `end()` releases them all. */
export class Lives {
  #latest: Life | undefined;
  #done = false;
  #waiters: (() => void)[] = [];

  get done(): boolean {
    return this.#done;
  }

  publish(life: Life): void {
    this.#latest = life;
    this.#wake();
  }

  end(): void {
    this.#done = true;
    this.#wake();
  }

  /** The life after `prev` (waiting for the next start), or undefined once the run is over. */
  async next(prev: Life | undefined): Promise<Life | undefined> {
    while (!this.#done && (this.#latest === undefined || this.#latest === prev)) await new Promise<void>((r) => this.#waiters.push(r));
    return this.#done ? undefined : this.#latest;
  }

  #wake(): void {
    const woken = this.#waiters;
    this.#waiters = [];
    for (const w of woken) w();
  }
}
