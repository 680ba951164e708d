import { MAX_REMEMBERED_RUNS, MAX_SNAPSHOT_TEXT_CHARS } from './limits.js';
import type { RunSnapshot } from './runtime-api.js';

const FINISHED = new Set(['ok', 'error', 'aborted', 'timeout']);

/** True when a run has ended (any way). */
export function isFinished(s: RunSnapshot): boolean {
  return FINISHED.has(s.status);
}

/**
 * Snapshots of recent runs by id, with waiters for their end. Finished runs are remembered up to a bound
 * (oldest forgotten first), so agent.wait and idempotent repeats work without growing memory.
 */
export class RunRegistry {
  readonly #runs = new Map<string, RunSnapshot>();
  readonly #waiters = new Map<string, Set<(s: RunSnapshot | undefined) => void>>();
  readonly #finishedOrder: string[] = [];
  #closed = false;

  get(runId: string): RunSnapshot | undefined {
    return this.#runs.get(runId);
  }

  /** Record a run's new snapshot; wakes waiters when it finished. */
  set(s: RunSnapshot): void {
    if (!isFinished(s)) {
      this.#runs.set(s.runId, s);
      return;
    }
    // Waiters get the whole snapshot; the remembered copy keeps a bounded text (the transcript has it all).
    const long = s.text !== undefined && s.text.length > MAX_SNAPSHOT_TEXT_CHARS;
    this.#runs.set(s.runId, long ? { ...s, text: `${s.text!.slice(0, MAX_SNAPSHOT_TEXT_CHARS)}…[truncated; see chat.history]` } : s);
    this.#finishedOrder.push(s.runId);
    while (this.#finishedOrder.length > MAX_REMEMBERED_RUNS) this.#runs.delete(this.#finishedOrder.shift()!);
    const waiters = this.#waiters.get(s.runId);
    if (waiters) {
      this.#waiters.delete(s.runId);
      for (const w of waiters) w(s);
    }
  }

  /** The snapshot once the run ended, or undefined after timeoutMs (also for runs never seen). */
  wait(runId: string, timeoutMs: number): Promise<RunSnapshot | undefined> {
    const now = this.#runs.get(runId);
    if (now && isFinished(now)) return Promise.resolve(now);
    if (timeoutMs <= 0 || this.#closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const set = this.#waiters.get(runId) ?? new Set();
      this.#waiters.set(runId, set);
      const done = (s: RunSnapshot | undefined) => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0 && this.#waiters.get(runId) === set) this.#waiters.delete(runId);
        resolve(s);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      set.add(done);
    });
  }

  /**
   * End every wait now (undefined, as after its timeout) and refuse new ones: a stopping gateway must not be
   * held open until the last agent.wait timer (up to 10 minutes) fires.
   */
  close(): void {
    this.#closed = true;
    for (const set of [...this.#waiters.values()]) for (const done of [...set]) done(undefined);
  }

  /** Runs not yet finished. */
  active(): RunSnapshot[] {
    return [...this.#runs.values()].filter((s) => !isFinished(s));
  }
}
