import type { AgentEventPayload, ChatEventPayload } from '../agents/runtime-api.js';
import type { WireMessage } from '../protocol/methods/chat.js';
import type { ExecApprovalRequestedEvent, ExecApprovalResolvedEvent, ExecApprovalView } from '../protocol/methods/exec-approvals.js';
import { entriesFromHistory, REPORT_PREFIX, type ApprovalEntry, type ChatEntry, type ToolEntry } from './chat-entries.js';
import type { ChatLog } from './chat-log.js';

/** Longest tool result text kept on a card (the transcript has it all). */
export const TOOL_RESULT_MAX_CHARS = 8_000;

/** A note kept across history reloads, placed by time among the transcript's messages. */
interface Note {
  readonly ts: number;
  entry: ChatEntry;
}

/** What a chat or agent event meant for the session. */
export interface EventOutcome {
  /** The event changed the log. */
  readonly changed: boolean;
  /** A run of this session ended (its id and how). */
  readonly ended?: { runId: string; state: ChatEventPayload['state']; errorMessage?: string };
  /** A run nobody here started began in this session (a sub-agent's report, another client): fetch its message. */
  readonly foreignRun?: string;
}

function resultText(result: unknown): string {
  const text = typeof result === 'string' ? result : JSON.stringify(result ?? null, null, 2);
  return text.length > TOOL_RESULT_MAX_CHARS ? `${text.slice(0, TOOL_RESULT_MAX_CHARS)}…` : text;
}

function textOf(message: ChatEventPayload['message']): string | undefined {
  if (!message) return undefined;
  return message.content.map((b) => b.text).join('');
}

const NO_CHANGE: EventOutcome = { changed: false };

/**
 * One session as the screen shows it: the transcript (reloaded whole on connect and on switching, so a
 * gateway restart never duplicates a message), the runs streaming into it now, and the owner's notes
 * (connection changes, approvals, pairing requests), which survive reloads in their place by time.
 */
export class SessionView {
  #notes: Note[] = [];
  /** Live assistant entries by run id (streaming or just ended, until the next reload). */
  #live = new Map<string, ChatEntry>();
  #ours = new Set<string>();
  #seen = new Set<string>();
  #running: string | undefined;

  constructor(
    private readonly log: ChatLog,
    public sessionKey: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The run of this session going now, if any. */
  get runningRunId(): string | undefined {
    return this.#running;
  }

  /** Switch to another session: its transcript replaces this one's; pending approvals stay. */
  switchTo(sessionKey: string): void {
    this.sessionKey = sessionKey;
    // Notes belong to the session they were made in; approvals still waiting follow the owner.
    this.#notes = this.#notes.filter((n) => n.entry.kind === 'approval' && n.entry.outcome === undefined);
    this.#live.clear();
    this.#ours.clear();
    this.#seen.clear();
    this.#running = undefined;
    this.log.setEntries(this.#notes.map((n) => n.entry));
  }

  /** Rebuild the log from the transcript, the notes by time, then runs still streaming. */
  loadHistory(messages: readonly WireMessage[]): void {
    const out: ChatEntry[] = [];
    let n = 0;
    const notes = [...this.#notes].sort((a, b) => a.ts - b.ts);
    for (const m of messages) {
      while (n < notes.length && notes[n]!.ts < m.timestamp) out.push(notes[n++]!.entry);
      out.push(...entriesFromHistory([m]));
    }
    // Results pair with calls across messages: rebuild those pairs over the whole transcript.
    const merged = this.#pairTools(out, messages);
    while (n < notes.length) merged.push(notes[n++]!.entry);
    for (const [runId, entry] of this.#live) if (runId === this.#running) merged.push(entry);
    this.#live = new Map([...this.#live].filter(([runId]) => runId === this.#running));
    this.log.setEntries(merged);
  }

  #pairTools(entries: ChatEntry[], messages: readonly WireMessage[]): ChatEntry[] {
    const whole = entriesFromHistory(messages).filter((e): e is ToolEntry => e.kind === 'tool');
    const byId = new Map(whole.map((t) => [t.id, t]));
    const seenIds = new Set<string>();
    const out: ChatEntry[] = [];
    for (const e of entries) {
      if (e.kind !== 'tool') {
        out.push(e);
        continue;
      }
      if (seenIds.has(e.id) && e.id !== '') continue; // the result half of a pair already shown
      seenIds.add(e.id);
      out.push(byId.get(e.id) ?? e);
    }
    return out;
  }

  /** A line from the TUI itself, kept across reloads. */
  note(text: string, tone: 'info' | 'warn' | 'error' = 'info'): void {
    const entry: ChatEntry = { kind: 'system', text, tone };
    this.#notes.push({ ts: this.now(), entry });
    this.log.append(entry);
  }

  /** The owner sent a message (shown at once, dimmed until its run starts). */
  sent(text: string, runId: string): void {
    this.#ours.add(runId);
    this.#running = runId;
    this.log.append({ kind: 'user', text, pending: true });
  }

  /** chat.send failed: the message did not go; say why. */
  sendFailed(runId: string, message: string): void {
    this.#ours.delete(runId);
    if (this.#running === runId) this.#running = undefined;
    this.log.update(
      (e) => e.kind === 'user' && e.pending === true,
      (e) => ({ ...e, pending: false }) as ChatEntry,
    );
    this.note(`not sent: ${message}`, 'error');
  }

  #setLive(runId: string, entry: ChatEntry): void {
    const old = this.#live.get(runId);
    this.#live.set(runId, entry);
    if (!old || !this.log.update((e) => e === old, () => entry)) this.log.append(entry);
  }

  #firstSight(runId: string): string | undefined {
    if (this.#seen.has(runId)) return undefined;
    this.#seen.add(runId);
    if (this.#ours.has(runId)) {
      this.log.update(
        (e) => e.kind === 'user' && e.pending === true,
        (e) => ({ ...e, pending: false }) as ChatEntry,
      );
      return undefined;
    }
    return runId;
  }

  /** A `chat` event: the reply growing, then its end. */
  onChat(p: ChatEventPayload): EventOutcome {
    if (p.sessionKey !== this.sessionKey) return NO_CHANGE;
    const foreignRun = this.#firstSight(p.runId);
    if (p.state === 'delta') this.#running = p.runId;
    const text = textOf(p.message);
    const prev = this.#live.get(p.runId);
    const prevText = prev?.kind === 'assistant' ? prev.text : '';
    const streaming = p.state === 'delta';
    if (text !== undefined && text !== '') this.#setLive(p.runId, { kind: 'assistant', text, streaming });
    else if (prev?.kind === 'assistant') this.#setLive(p.runId, { kind: 'assistant', text: prevText, streaming });
    if (streaming) return { changed: true, ...(foreignRun ? { foreignRun } : {}) };
    if (this.#running === p.runId) this.#running = undefined;
    if (p.state === 'error') this.note(`the run failed: ${p.errorMessage ?? 'unknown error'} (clawgate logs has the cause)`, 'error');
    if (p.state === 'aborted') this.note('the run was aborted', 'warn');
    return { changed: true, ended: { runId: p.runId, state: p.state, ...(p.errorMessage ? { errorMessage: p.errorMessage } : {}) }, ...(foreignRun ? { foreignRun } : {}) };
  }

  /** An `agent` event: a run starting (a foreign run is reported) and tool cards. */
  onAgent(p: AgentEventPayload): EventOutcome {
    if (p.sessionKey !== this.sessionKey) return NO_CHANGE;
    const d = p.data;
    if (p.stream === 'lifecycle') {
      // A foreign run is reported on its first chat event, not here: its message may not be written yet.
      if (d['phase'] === 'start') {
        this.#running = p.runId;
        return { changed: true };
      }
      return NO_CHANGE;
    }
    if (p.stream !== 'tool') return NO_CHANGE;
    const id = typeof d['toolCallId'] === 'string' ? d['toolCallId'] : `${p.runId}:${p.seq}`;
    const name = typeof d['name'] === 'string' ? d['name'] : 'tool';
    const isCard = (e: ChatEntry) => e.kind === 'tool' && e.id === id;
    if (d['phase'] === 'start') {
      // A streamed reply before a tool call is finished text; the reply after it is a new entry.
      const live = this.#live.get(p.runId);
      if (live?.kind === 'assistant') {
        this.log.update((e) => e === live, () => ({ ...live, streaming: false }));
        this.#live.delete(p.runId);
      }
      this.log.append({ kind: 'tool', id, name, args: d['args'] ?? {}, state: 'running' });
      return { changed: true };
    }
    const patch = (fn: (t: ToolEntry) => ToolEntry) => this.log.update(isCard, (e) => fn(e as ToolEntry));
    if (d['phase'] === 'update' && d['status'] === 'waiting-approval') {
      patch((t) => ({ ...t, state: 'waiting-approval', ...(typeof d['approvalId'] === 'string' ? { approvalId: d['approvalId'] } : {}) }));
      return { changed: true };
    }
    if (d['phase'] === 'update') {
      patch((t) => ({ ...t, state: 'running' }));
      return { changed: true };
    }
    if (d['phase'] === 'result') {
      const done = (t: ToolEntry): ToolEntry => ({ ...t, state: d['isError'] === true ? 'error' : 'ok', result: resultText(d['result']), ...(typeof d['durationMs'] === 'number' ? { durationMs: d['durationMs'] } : {}) });
      if (!patch(done)) this.log.append(done({ kind: 'tool', id, name, args: {}, state: 'running' }));
      return { changed: true };
    }
    return NO_CHANGE;
  }

  /**
   * The message that started a foreign run (the report a sub-agent announced, or another client's message),
   * from the transcript's tail: added unless the log already shows it.
   */
  showStarter(messages: readonly WireMessage[]): void {
    const last = [...messages].reverse().find((m) => m.role === 'user');
    if (!last) return;
    const text = last.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    const entry: ChatEntry = text.startsWith(REPORT_PREFIX) ? { kind: 'report', text } : { kind: 'user', text };
    const shown = [...this.log.entries].reverse().find((e) => e.kind === 'user' || e.kind === 'report');
    if (shown && shown.kind === entry.kind && shown.text === text) return;
    // Before the run's own streamed reply, if it already began.
    const live = [...this.#live.values()].at(-1);
    const at = live ? this.log.entries.indexOf(live) : -1;
    if (at >= 0) {
      const all = [...this.log.entries];
      all.splice(at, 0, entry);
      this.log.setEntries(all);
    } else this.log.append(entry);
  }

  /** An exec approval waits (any session: the owner answers them all). */
  approvalRequested(ev: ExecApprovalRequestedEvent | ExecApprovalView): void {
    const id = ev.id;
    const r = 'request' in ev ? ev.request : ev;
    if (this.#notes.some((n) => n.entry.kind === 'approval' && n.entry.id === id)) return;
    const entry: ApprovalEntry = { kind: 'approval', id, command: r.command, cwd: r.cwd, agentId: r.agentId, sessionKey: r.sessionKey, sandboxed: r.sandboxed, expiresAtMs: ev.expiresAtMs };
    this.#notes.push({ ts: this.now(), entry });
    this.log.append(entry);
  }

  /** How an approval ended; true when it was one shown here. */
  approvalResolved(ev: ExecApprovalResolvedEvent, byMe: boolean): boolean {
    const note = this.#notes.find((n) => n.entry.kind === 'approval' && n.entry.id === ev.id);
    if (!note || note.entry.kind !== 'approval' || note.entry.outcome !== undefined) return false;
    const how = ev.decision === 'allow-once' ? 'allowed once' : ev.decision === 'allow-always' ? 'allowed always' : ev.decision === 'deny' ? 'denied' : 'expired';
    const old = note.entry;
    note.entry = { ...old, outcome: `${how}${ev.decision === 'expired' ? '' : byMe ? ' by you' : ` by ${ev.resolvedBy}`}` };
    this.log.update((e) => e === old, () => note.entry);
    return true;
  }

  /** Approvals still waiting, oldest first. */
  get pendingApprovals(): ApprovalEntry[] {
    return this.#notes.map((n) => n.entry).filter((e): e is ApprovalEntry => e.kind === 'approval' && e.outcome === undefined && e.expiresAtMs > this.now());
  }

  /** A connection was lost: runs streaming now will not be followed to their end here. */
  connectionLost(): void {
    for (const [runId, entry] of this.#live) {
      if (entry.kind === 'assistant' && entry.streaming) this.#setLive(runId, { ...entry, streaming: false });
    }
    this.#running = undefined;
  }
}
