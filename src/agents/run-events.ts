import type { ActiveRun } from './active-run.js';
import { DELTA_INTERVAL_MS } from './limits.js';
import type { AgentEventPayload, ChatEventPayload, RuntimeEvent } from './runtime-api.js';

/** Fans a run's progress out as OpenClaw-shaped `chat` and `agent` events to the runtime's subscribers. */
export class RunEvents {
  readonly #listeners = new Set<(e: RuntimeEvent) => void>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  subscribe(listener: (e: RuntimeEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(e: RuntimeEvent): void {
    for (const l of this.#listeners) {
      try {
        l(e);
      } catch {
        // A subscriber's failure must not break the run or other subscribers.
      }
    }
  }

  #agent(run: ActiveRun, stream: AgentEventPayload['stream'], data: Record<string, unknown>): void {
    this.#emit({ type: 'agent', payload: { runId: run.runId, sessionKey: run.sessionKey, seq: ++run.agentSeq, stream, ts: this.#now(), data } });
  }

  #chat(run: ActiveRun, state: ChatEventPayload['state'], extra: Partial<ChatEventPayload>): void {
    this.#emit({ type: 'chat', payload: { runId: run.runId, sessionKey: run.sessionKey, seq: ++run.chatSeq, state, ...extra } });
  }

  #message(text: string) {
    return { role: 'assistant' as const, content: [{ type: 'text' as const, text }], timestamp: this.#now() };
  }

  start(run: ActiveRun): void {
    this.#agent(run, 'lifecycle', { phase: 'start', startedAt: run.startedAtMs });
  }

  /**
   * The assistant text so far (OpenClaw clients render the accumulated text of each delta). The first delta
   * goes out at once; later ones are coalesced to one per DELTA_INTERVAL_MS, since each carries the whole text.
   */
  delta(run: ActiveRun, textSoFar: string): void {
    run.shownText = textSoFar;
    if (run.deltaTimer) return;
    const wait = run.lastDeltaAtMs + DELTA_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      this.#sendDelta(run);
      return;
    }
    run.deltaTimer = setTimeout(() => this.#sendDelta(run), wait);
  }

  #sendDelta(run: ActiveRun): void {
    run.deltaTimer = undefined;
    run.lastDeltaAtMs = Date.now();
    this.#chat(run, 'delta', { message: this.#message(run.shownText) });
  }

  /** A coalesced delta still waiting is dropped: the terminal event carries the whole text. */
  #cancelDelta(run: ActiveRun): void {
    clearTimeout(run.deltaTimer);
    run.deltaTimer = undefined;
  }

  tool(run: ActiveRun, data: Record<string, unknown>): void {
    this.#agent(run, 'tool', data);
  }

  final(run: ActiveRun, stopReason: string | undefined): void {
    this.#cancelDelta(run);
    this.#chat(run, 'final', { message: this.#message(run.shownText || run.text), usage: { ...run.usage }, ...(stopReason ? { stopReason } : {}) });
    this.#agent(run, 'lifecycle', { phase: 'end', startedAt: run.startedAtMs, endedAt: run.endedAtMs });
  }

  aborted(run: ActiveRun): void {
    this.#cancelDelta(run);
    this.#chat(run, 'aborted', run.shownText ? { message: this.#message(run.shownText) } : {});
    this.#agent(run, 'lifecycle', { phase: 'end', aborted: true, startedAt: run.startedAtMs, endedAt: run.endedAtMs });
  }

  /**
   * One error event per failed run: chat carries only a fixed, sanitized text (it may reach end users);
   * the agent lifecycle event carries the owner's precise code, class and fix.
   */
  failed(run: ActiveRun, userText: string): void {
    this.#cancelDelta(run);
    this.#chat(run, 'error', { errorMessage: userText });
    this.#agent(run, 'lifecycle', { phase: 'error', startedAt: run.startedAtMs, endedAt: run.endedAtMs, error: run.error?.message, errorCode: run.error?.code, errorClass: run.error?.errorClass, providerId: run.error?.providerId });
  }
}
