import type { ActiveRun } from './active-run.js';
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

  /** The assistant text so far (OpenClaw clients render the accumulated text of each delta). */
  delta(run: ActiveRun, textSoFar: string): void {
    this.#chat(run, 'delta', { message: this.#message(textSoFar) });
  }

  tool(run: ActiveRun, data: Record<string, unknown>): void {
    this.#agent(run, 'tool', data);
  }

  final(run: ActiveRun, stopReason: string | undefined): void {
    this.#chat(run, 'final', { message: this.#message(run.text), usage: { ...run.usage }, ...(stopReason ? { stopReason } : {}) });
    this.#agent(run, 'lifecycle', { phase: 'end', startedAt: run.startedAtMs, endedAt: run.endedAtMs });
  }

  aborted(run: ActiveRun): void {
    this.#chat(run, 'aborted', run.text ? { message: this.#message(run.text) } : {});
    this.#agent(run, 'lifecycle', { phase: 'end', aborted: true, startedAt: run.startedAtMs, endedAt: run.endedAtMs });
  }

  /**
   * One error event per failed run: chat carries only a fixed, sanitized text (it may reach end users);
   * the agent lifecycle event carries the owner's precise code, class and fix.
   */
  failed(run: ActiveRun, userText: string): void {
    this.#chat(run, 'error', { errorMessage: userText });
    this.#agent(run, 'lifecycle', { phase: 'error', startedAt: run.startedAtMs, endedAt: run.endedAtMs, error: run.error?.message, errorCode: run.error?.code, errorClass: run.error?.errorClass, providerId: run.error?.providerId });
  }
}
