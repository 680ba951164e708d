import { ChatStream, type ChatStreamEnd } from './chat-stream.js';
import { toolNote } from './tool-notes.js';

/** A run that followed the first one in the same session (the agent continuing with a sub-agent's report). */
export interface FollowUpRun {
  readonly runId: string;
  readonly state: ChatStreamEnd['state'];
  readonly text: string;
}

/** What one event means for the terminal. */
export interface FollowStep {
  /** Reply text to append to stdout. */
  readonly print: string;
  /** A line for stderr (progress notes). */
  readonly note?: string;
  /** Set when the first run ended. */
  readonly firstEnd?: ChatStreamEnd;
  /** Set when the first run ended and every sub-agent report it (and its follow-ups) waited for was answered. */
  readonly settled?: boolean;
}

interface Frame {
  readonly event: string;
  readonly payload?: unknown;
}

interface Payload {
  runId?: unknown;
  sessionKey?: unknown;
  state?: unknown;
  stream?: unknown;
  data?: { phase?: unknown; name?: unknown; isError?: unknown; result?: { status?: unknown }; [k: string]: unknown };
}

/**
 * Follows the first run of `clawgate agent` and then, if it spawned sub-agents, the runs their reports start
 * in the same session: each accepted `sessions_spawn` means one more run will come (the report, announced
 * into this session); the follower is settled when all of them ended. Runs of a session never overlap, so
 * their text can be printed in the order the events arrive.
 */
export class SessionFollower {
  readonly #firstRunId: string;
  readonly #streams = new Map<string, ChatStream>();
  readonly followUps: FollowUpRun[] = [];
  #sessionKey: string | undefined;
  #firstEnded = false;
  #expected = 0;

  constructor(firstRunId: string) {
    this.#firstRunId = firstRunId;
    this.#streams.set(firstRunId, new ChatStream(firstRunId));
  }

  /** Sub-agent reports still to come. */
  get pending(): number {
    return this.#expected - this.followUps.length;
  }

  #ours(p: Payload): boolean {
    if (p.runId === this.#firstRunId) {
      if (typeof p.sessionKey === 'string') this.#sessionKey = p.sessionKey;
      return true;
    }
    return this.#firstEnded && this.#sessionKey !== undefined && p.sessionKey === this.#sessionKey;
  }

  feed(frame: Frame): FollowStep {
    const p = (typeof frame.payload === 'object' && frame.payload !== null ? frame.payload : {}) as Payload;
    if (typeof p.runId !== 'string' || !this.#ours(p)) return { print: '' };
    if (frame.event === 'agent') {
      const d = p.data;
      if (p.stream !== 'tool') return { print: '' };
      if (d?.phase === 'result' && d.name === 'sessions_spawn' && d.isError !== true && d.result?.status === 'accepted') this.#expected++;
      const note = toolNote(d);
      return note ? { print: '', note } : { print: '' };
    }
    if (frame.event !== 'chat') return { print: '' };
    let stream = this.#streams.get(p.runId);
    let note: string | undefined;
    if (!stream) {
      if (this.pending <= 0) return { print: '' };
      stream = new ChatStream(p.runId);
      this.#streams.set(p.runId, stream);
      note = `[a sub-agent's report arrived; the agent continues (run ${p.runId.slice(0, 8)})]`;
    }
    const step = stream.feed(frame.payload);
    const print = step.print;
    if (!step.end) return { print, ...(note ? { note } : {}) };
    if (p.runId === this.#firstRunId) {
      this.#firstEnded = true;
      return { print, firstEnd: step.end, settled: this.pending <= 0, ...(note ? { note } : {}) };
    }
    this.followUps.push({ runId: p.runId, state: step.end.state, text: step.end.text });
    return { print, settled: this.pending <= 0, ...(note ? { note } : {}) };
  }
}
