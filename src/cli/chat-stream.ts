import type { Usage } from '../agents/types.js';

/** How a followed run's chat stream ended. */
export interface ChatStreamEnd {
  readonly state: 'final' | 'error' | 'aborted';
  /** The session key as the gateway resolved it (e.g. `main` becomes `agent:main:main`). */
  readonly sessionKey: string | undefined;
  /** The reply text: the final message's, else the last text seen. */
  readonly text: string;
  readonly usage?: Usage;
  readonly errorMessage?: string;
}

/** What one chat event means for the terminal: text to append, and the end when it is terminal. */
export interface ChatStreamStep {
  readonly print: string;
  readonly end?: ChatStreamEnd;
}

interface ChatPayload {
  runId?: unknown;
  sessionKey?: unknown;
  seq?: unknown;
  state?: unknown;
  message?: { content?: unknown };
  usage?: unknown;
  errorMessage?: unknown;
}

function textOf(message: ChatPayload['message']): string | undefined {
  if (!message || !Array.isArray(message.content)) return undefined;
  return message.content
    .filter((b): b is { type: 'text'; text: string } => typeof b === 'object' && b !== null && b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text)
    .join('');
}

function isUsage(u: unknown): u is Usage {
  return typeof u === 'object' && u !== null && typeof (u as Usage).inputTokens === 'number' && typeof (u as Usage).outputTokens === 'number';
}

/**
 * Follows one run's `chat` events. Each delta carries the whole text so far; only the part not yet
 * printed is returned, so the terminal shows the reply growing. Events of other runs and stale
 * (out-of-order) events are ignored.
 */
export class ChatStream {
  readonly runId: string;
  #printed = '';
  #latest = '';
  #seq = -1;
  #ended = false;

  constructor(runId: string) {
    this.runId = runId;
  }

  /** Everything printed so far. */
  get printed(): string {
    return this.#printed;
  }

  /** Feed one `chat` event payload. */
  feed(payload: unknown): ChatStreamStep {
    const p = (typeof payload === 'object' && payload !== null ? payload : {}) as ChatPayload;
    if (this.#ended || p.runId !== this.runId) return { print: '' };
    if (typeof p.seq === 'number') {
      if (p.seq <= this.#seq) return { print: '' };
      this.#seq = p.seq;
    }
    const text = textOf(p.message);
    if (text !== undefined) this.#latest = text;
    // A text that does not extend what was printed (rare rewrite) cannot be unprinted: print what is new past it.
    const print = text !== undefined && text.length > this.#printed.length ? text.slice(this.#printed.length) : '';
    this.#printed += print;
    if (p.state !== 'final' && p.state !== 'error' && p.state !== 'aborted') return { print };
    this.#ended = true;
    const end: ChatStreamEnd = {
      state: p.state,
      sessionKey: typeof p.sessionKey === 'string' ? p.sessionKey : undefined,
      text: this.#latest,
      ...(isUsage(p.usage) ? { usage: { inputTokens: p.usage.inputTokens, outputTokens: p.usage.outputTokens } } : {}),
      ...(typeof p.errorMessage === 'string' ? { errorMessage: p.errorMessage } : {}),
    };
    return { print, end };
  }
}
