import { ProviderError } from '../types.js';
import { abortErrorFrom, classifyProviderError, type ClassifyContext } from './classify-error.js';

/**
 * The abort controller of one model call. It follows the caller's signal, and aborts the call when the
 * stream stalls: the SDKs' timeout only covers the wait for response headers, not a body that stops.
 * Both SDKs end a stream silently on abort, so the provider asks `throwIfStopped` after the loop.
 */
export class StreamWatchdog {
  readonly #controller = new AbortController();
  readonly #caller: AbortSignal;
  readonly #idleMs: number;
  readonly #ctx: ClassifyContext;
  readonly #onAbort = (): void => this.#controller.abort(this.#caller.reason);
  #timer: NodeJS.Timeout | undefined;
  #stalled = false;

  constructor(caller: AbortSignal, idleMs: number, ctx: ClassifyContext) {
    this.#caller = caller;
    this.#idleMs = idleMs;
    this.#ctx = ctx;
    if (caller.aborted) this.#controller.abort(caller.reason);
    else caller.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** The signal to hand to the SDK. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Data arrived (or the stream opened): restart the stall timer. */
  touch(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#stalled = true;
      this.#controller.abort();
    }, this.#idleMs);
  }

  /** After a stream ended without error: throw if it ended because of an abort or a stall. */
  throwIfStopped(): void {
    if (this.#caller.aborted || this.#stalled) throw this.failure(undefined);
  }

  /** The error to throw for err: the caller's abort as an AbortError, a stall as network, else classified. */
  failure(err: unknown): Error {
    // One shape for every abort (the SDKs throw three different ones): name 'AbortError', cause = reason.
    if (this.#caller.aborted) return abortErrorFrom(this.#caller);
    if (this.#stalled) {
      return new ProviderError({
        providerId: this.#ctx.providerId,
        errorClass: 'network',
        detail: `timeout: no data from the provider for ${this.#idleMs} ms`,
      });
    }
    return classifyProviderError(err, this.#ctx);
  }

  /** Stop the timer and the link to the caller's signal. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#caller.removeEventListener('abort', this.#onAbort);
    // A consumer that stopped reading early (the reply cap) must not leave the HTTP stream open.
    this.#controller.abort();
  }
}

/**
 * Drive one SDK stream under a watchdog: open it with the watchdog's signal, feed each event to `add` and
 * yield the text deltas it returns; any failure (abort, stall, HTTP error) is thrown as the watchdog maps it.
 */
export async function* watchedStream<E>(watchdog: StreamWatchdog, open: (signal: AbortSignal) => Promise<AsyncIterable<E>>, add: (event: E) => string | undefined): AsyncGenerator<{ type: 'text'; delta: string }> {
  try {
    const stream = await open(watchdog.signal);
    watchdog.touch();
    for await (const event of stream) {
      watchdog.touch();
      const delta = add(event);
      if (delta) yield { type: 'text', delta };
    }
    watchdog.throwIfStopped();
  } catch (err) {
    throw watchdog.failure(err);
  } finally {
    watchdog.dispose();
  }
}
