import type { RunError, RunOrigin, RunSnapshot, RunStatus } from './runtime-api.js';
import type { Usage } from './types.js';

/** Why a run's controller was aborted. */
export type AbortCause = 'user' | 'timeout' | 'shutdown';

/** A run the runtime is handling: its request, its abort controller and its mutable progress. */
export class ActiveRun {
  readonly runId: string;
  readonly sessionKey: string;
  readonly agentId: string;
  readonly message: string;
  readonly origin: RunOrigin;
  readonly timeoutMs: number;
  readonly queuedAtMs: number;
  readonly extraSystemPrompt: string | undefined;
  readonly controller = new AbortController();
  abortCause: AbortCause | undefined;
  status: RunStatus = 'queued';
  startedAtMs: number | undefined;
  endedAtMs: number | undefined;
  /** The final assistant text (the last model call's). */
  text = '';
  /** Everything the assistant said in this run, rounds separated by a blank line: what `chat` events show. */
  shownText = '';
  /** Delta throttling: when the last delta went out, and the timer of a coalesced one. */
  lastDeltaAtMs = 0;
  deltaTimer: NodeJS.Timeout | undefined;
  error: RunError | undefined;
  readonly usage: Usage = { inputTokens: 0, outputTokens: 0 };
  chatSeq = 0;
  agentSeq = 0;

  constructor(init: { runId: string; sessionKey: string; agentId: string; message: string; origin: RunOrigin; timeoutMs: number; nowMs: number; extraSystemPrompt?: string }) {
    this.extraSystemPrompt = init.extraSystemPrompt;
    this.runId = init.runId;
    this.sessionKey = init.sessionKey;
    this.agentId = init.agentId;
    this.message = init.message;
    this.origin = init.origin;
    this.timeoutMs = init.timeoutMs;
    this.queuedAtMs = init.nowMs;
  }

  /** Abort once; the first cause wins. */
  abort(cause: AbortCause): void {
    if (this.controller.signal.aborted) return;
    this.abortCause = cause;
    this.controller.abort(new Error(`run ${cause === 'user' ? 'aborted' : cause === 'timeout' ? 'timed out' : 'stopped by shutdown'}`));
  }

  snapshot(): RunSnapshot {
    return {
      runId: this.runId,
      sessionKey: this.sessionKey,
      agentId: this.agentId,
      status: this.status,
      queuedAtMs: this.queuedAtMs,
      ...(this.startedAtMs !== undefined ? { startedAtMs: this.startedAtMs } : {}),
      ...(this.endedAtMs !== undefined ? { endedAtMs: this.endedAtMs } : {}),
      ...(this.text ? { text: this.text } : {}),
      ...(this.error ? { error: this.error } : {}),
      usage: { ...this.usage },
    };
  }
}
