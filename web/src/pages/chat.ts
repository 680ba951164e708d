import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import type { ClawgateError } from '../../../src/protocol/error-catalogue.js';
import { inertJson } from '../../../src/protocol/display-text.js';
import { chatAbort, chatHistory, chatSend, type WireMessage } from '../../../src/protocol/methods/chat.js';
import { sessionsList, type SessionRow } from '../../../src/protocol/methods/sessions.js';
import type { GatewayConnection, GatewayEvent } from '../gateway-connection.js';
import { formatTime, visibleText } from '../format.js';

/** Transcript entries shown (the last ones). */
const HISTORY_LIMIT = 200;
/** Sessions offered in the picker (newest activity first). */
const SESSIONS_LIMIT = 200;
/** The user message a sub-agent's report run starts with (src/tui/chat-entries.ts's REPORT_PREFIX). */
const REPORT_PREFIX = '[sub-agent report]';
/** Longest tool result text kept on a live card (the transcript has it all). */
const TOOL_RESULT_MAX_CHARS = 8_000;

type ToolCallBlock = Extract<WireMessage['content'][number], { type: 'toolCall' }>;

/** What this page shows of a run going on now, until the transcript has it. */
type LiveEntry =
  | { kind: 'user'; runId: string; text: string }
  | { kind: 'assistant'; runId: string; text: string; streaming: boolean }
  | { kind: 'tool'; runId: string; id: string; name: string; args: unknown; state: 'running' | 'ok' | 'error'; result?: string; durationMs?: number };

interface ChatPayload {
  runId: string;
  sessionKey: string;
  state: 'delta' | 'final' | 'aborted' | 'error';
  message?: { content: Array<{ type: string; text?: string }> };
  errorMessage?: string;
}

interface AgentPayload {
  runId: string;
  sessionKey: string;
  seq: number;
  stream: string;
  data: Record<string, unknown>;
}

function textOf(m: WireMessage): string {
  return m.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n');
}

function resultText(result: unknown): string {
  const text = typeof result === 'string' ? result : inertJson(result ?? null, 2);
  return text.length > TOOL_RESULT_MAX_CHARS ? `${text.slice(0, TOOL_RESULT_MAX_CHARS)}…` : text;
}

function isChat(p: unknown): p is ChatPayload {
  const o = p as Partial<ChatPayload> | null;
  return typeof o === 'object' && o !== null && typeof o.runId === 'string' && typeof o.sessionKey === 'string' && typeof o.state === 'string';
}

function isAgent(p: unknown): p is AgentPayload {
  const o = p as Partial<AgentPayload> | null;
  return typeof o === 'object' && o !== null && typeof o.runId === 'string' && typeof o.sessionKey === 'string' && typeof o.stream === 'string' && typeof o.data === 'object' && o.data !== null;
}

function newRunId(): string {
  return `web-${crypto.randomUUID()}`;
}

/**
 * Chat: one session's transcript (chat.history), a message box (chat.send), the reply streaming in from
 * `chat` deltas (each carries the whole text so far), tool cards from `agent` tool events, a sub-agent's
 * report (a run nobody here started: its starting message is read from the transcript on its first chat
 * event) and Abort (chat.abort). The transcript is read whole on open, on reconnect and when a run ends,
 * so nothing is shown twice. Everything shown came from the model or a channel: text only, never HTML.
 */
export class ChatPage extends LitElement {
  #conn: GatewayConnection | undefined;
  #unsubscribe: (() => void) | undefined;
  #sessions: SessionRow[] = [];
  /** The key as chosen (`main` first), and as the gateway names it (events carry that one). */
  #key = 'main';
  #canonical: string | undefined;
  #history: WireMessage[] | undefined;
  #error: string | undefined;
  #live: LiveEntry[] = [];
  #ours = new Set<string>();
  #seen = new Set<string>();
  #running: string | undefined;
  #notice: string | undefined;
  #draft = '';
  #sending = false;
  #loadSeq = 0;

  set conn(conn: GatewayConnection | undefined) {
    if (conn === this.#conn) return;
    this.#unsubscribe?.();
    this.#conn = conn;
    // A new connection: runs streaming on the old one are not followed here; the transcript is read again.
    this.#live = [];
    this.#running = undefined;
    this.#seen.clear();
    this.#unsubscribe = conn?.onEvent((e) => this.#onEvent(e));
    // The default agent's main session, by the name its events carry (`main` if the gateway does not say).
    const main = conn?.hello?.snapshot.sessionDefaults?.mainSessionKey;
    if (this.#key === 'main' && main) this.#key = main;
    void this.#loadSessions();
    void this.#loadHistory();
  }

  override createRenderRoot(): HTMLElement {
    return this;
  }

  override disconnectedCallback(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    super.disconnectedCallback();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.#conn && !this.#unsubscribe) this.#unsubscribe = this.#conn.onEvent((e) => this.#onEvent(e));
  }

  async #loadSessions(): Promise<void> {
    const conn = this.#conn;
    if (!conn) return;
    try {
      const r = await conn.call(sessionsList, { limit: SESSIONS_LIMIT });
      this.#sessions = r.sessions;
    } catch (err) {
      this.#error = (err as ClawgateError).message;
    }
    this.requestUpdate();
  }

  /** The transcript, whole; live entries of runs that ended (and of our messages, now in it) are dropped. */
  async #loadHistory(): Promise<void> {
    const conn = this.#conn;
    if (!conn) return;
    const key = this.#key;
    const seq = ++this.#loadSeq;
    try {
      const r = await conn.call(chatHistory, { sessionKey: key, limit: HISTORY_LIMIT });
      if (seq !== this.#loadSeq || key !== this.#key) return;
      this.#history = r.messages;
      this.#error = undefined;
      this.#live = this.#live.filter((e) => e.kind !== 'user' && e.runId === this.#running);
    } catch (err) {
      if (seq !== this.#loadSeq) return;
      this.#error = (err as ClawgateError).message;
    }
    this.requestUpdate();
  }

  /** The session's events: by its name at the gateway (a session not created yet is named as sent until our run shows it). */
  #mine(p: { runId: string; sessionKey: string }): boolean {
    if (this.#ours.has(p.runId)) this.#canonical = p.sessionKey;
    const sessionKey = p.sessionKey;
    return sessionKey === this.#canonical || sessionKey === this.#key;
  }

  #onEvent(e: GatewayEvent): void {
    if (e.event === 'chat' && isChat(e.payload)) this.#onChat(e.payload);
    else if (e.event === 'agent' && isAgent(e.payload)) this.#onAgent(e.payload);
  }

  #onChat(p: ChatPayload): void {
    if (!this.#mine(p)) return;
    const first = !this.#seen.has(p.runId);
    this.#seen.add(p.runId);
    if (p.state === 'delta') this.#running = p.runId;
    const text = p.message?.content.map((b) => (b.type === 'text' ? (b.text ?? '') : '')).join('');
    const live = [...this.#live].reverse().find((x) => x.runId === p.runId);
    const streaming = p.state === 'delta';
    if (text) {
      if (live?.kind === 'assistant') {
        live.text = text;
        live.streaming = streaming;
      } else this.#live.push({ kind: 'assistant', runId: p.runId, text, streaming });
    } else if (live?.kind === 'assistant') live.streaming = streaming;
    if (streaming) {
      // A run nobody here started (a sub-agent's report, another client): its message is in the transcript now.
      if (first && !this.#ours.has(p.runId)) void this.#loadHistory();
      this.requestUpdate();
      return;
    }
    if (this.#running === p.runId) this.#running = undefined;
    this.#ours.delete(p.runId);
    if (p.state === 'aborted') this.#notice = 'The run was aborted.';
    else if (p.state === 'error') this.#notice = `The run failed: ${p.errorMessage ?? 'unknown error'} (clawgate logs has the cause).`;
    this.requestUpdate();
    void this.#loadHistory();
    // A first message creates its session: the select lists it from now on.
    void this.#loadSessions();
  }

  #onAgent(p: AgentPayload): void {
    if (!this.#mine(p)) return;
    const d = p.data;
    if (p.stream === 'lifecycle') {
      if (d['phase'] === 'start') {
        this.#running = p.runId;
        this.requestUpdate();
      }
      return;
    }
    if (p.stream !== 'tool') return;
    const id = typeof d['toolCallId'] === 'string' ? d['toolCallId'] : `${p.runId}:${p.seq}`;
    const name = typeof d['name'] === 'string' ? d['name'] : 'tool';
    const card = this.#live.find((x): x is Extract<LiveEntry, { kind: 'tool' }> => x.kind === 'tool' && x.id === id);
    if (d['phase'] === 'start') {
      // Text streamed before a tool call is finished; the reply after it is a new entry.
      const text = [...this.#live].reverse().find((x) => x.runId === p.runId);
      if (text?.kind === 'assistant') text.streaming = false;
      if (!card) this.#live.push({ kind: 'tool', runId: p.runId, id, name, args: d['args'] ?? {}, state: 'running' });
    } else if (d['phase'] === 'result') {
      const done = card ?? { kind: 'tool' as const, runId: p.runId, id, name, args: {}, state: 'running' as const };
      if (!card) this.#live.push(done);
      Object.assign(done, { state: d['isError'] === true ? 'error' : 'ok', result: resultText(d['result']) }, typeof d['durationMs'] === 'number' ? { durationMs: d['durationMs'] } : {});
    } else return;
    this.requestUpdate();
  }

  #choose(ev: Event): void {
    this.#key = (ev.target as HTMLSelectElement).value;
    this.#canonical = undefined;
    this.#history = undefined;
    this.#live = [];
    this.#ours.clear();
    this.#seen.clear();
    this.#running = undefined;
    this.#notice = undefined;
    this.requestUpdate();
    void this.#loadHistory();
  }

  async #send(): Promise<void> {
    const conn = this.#conn;
    const message = this.#draft.trim();
    if (!conn || !message || this.#sending) return;
    const runId = newRunId();
    this.#ours.add(runId);
    this.#running = runId;
    this.#sending = true;
    this.#notice = undefined;
    this.#draft = '';
    this.#live.push({ kind: 'user', runId, text: message });
    this.requestUpdate();
    try {
      await conn.call(chatSend, { sessionKey: this.#key, message, idempotencyKey: runId });
    } catch (err) {
      this.#ours.delete(runId);
      if (this.#running === runId) this.#running = undefined;
      this.#live = this.#live.filter((e) => e.runId !== runId);
      this.#draft = message;
      this.#notice = `Not sent: ${(err as ClawgateError).message}`;
    }
    this.#sending = false;
    this.requestUpdate();
  }

  async #abort(): Promise<void> {
    const conn = this.#conn;
    if (!conn) return;
    try {
      await conn.call(chatAbort, { sessionKey: this.#key });
    } catch (err) {
      this.#notice = `Abort failed: ${(err as ClawgateError).message}`;
      this.requestUpdate();
    }
  }

  #onKey(ev: KeyboardEvent): void {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      void this.#send();
    }
  }

  #onSubmit(ev: SubmitEvent): void {
    ev.preventDefault();
    void this.#send();
  }

  override render(): TemplateResult {
    const keys = this.#sessions.map((s) => s.key);
    const current = this.#canonical ?? this.#key;
    return html`
      <h2>Chat</h2>
      ${this.#error ? html`<div class="error" role="alert"><p>${this.#error}</p></div>` : nothing}
      <form class="search" @submit=${(ev: SubmitEvent) => ev.preventDefault()}>
        <label for="chat-session">Session</label>
        <select id="chat-session" @change=${(ev: Event) => this.#choose(ev)}>
          ${keys.includes(current) ? nothing : html`<option value=${this.#key} selected>${current}</option>`}
          ${this.#sessions.map((s) => html`<option value=${s.key} ?selected=${s.key === current}>${s.key}${s.label ? ` (${s.label})` : ''}</option>`)}
        </select>
      </form>
      <section aria-labelledby="chat-title" id="chat">
        <h3 id="chat-title">Conversation in <code>${current}</code></h3>
        ${this.#history === undefined ? (this.#error ? nothing : html`<p>Loading…</p>`) : this.#transcript(this.#history)}
        <div id="chat-live" aria-live="polite">${this.#liveEntries()}</div>
        ${this.#notice ? html`<p class="notice" id="chat-notice">${this.#notice}</p>` : nothing}
      </section>
      <form class="compose" autocomplete="off" @submit=${(ev: SubmitEvent) => this.#onSubmit(ev)}>
        <label for="chat-message">Message</label>
        <textarea id="chat-message" rows="3" maxlength="100000" aria-describedby="chat-hint" .value=${live(this.#draft)} @input=${(ev: Event) => (this.#draft = (ev.target as HTMLTextAreaElement).value)} @keydown=${(ev: KeyboardEvent) => this.#onKey(ev)}></textarea>
        <p class="muted" id="chat-hint">Enter sends, Shift+Enter starts a new line.</p>
        <div class="actions">
          <button type="submit" ?disabled=${this.#sending}>Send</button>
          ${this.#running ? html`<button type="button" class="danger" @click=${() => void this.#abort()}>Abort</button>` : nothing}
        </div>
      </form>
    `;
  }

  #transcript(messages: WireMessage[]): TemplateResult {
    if (messages.length === 0 && this.#live.length === 0) return html`<p>This session has no messages yet.</p>`;
    const results = new Map<string, WireMessage>();
    for (const m of messages) if (m.role === 'toolResult' && m.toolCallId) results.set(m.toolCallId, m);
    const calls = new Set(messages.flatMap((m) => m.content.flatMap((b) => (b.type === 'toolCall' ? [b.id] : []))));
    return html`<ol class="transcript" id="chat-history">
      ${messages.map((m) => {
        if (m.role === 'toolResult') return m.toolCallId && calls.has(m.toolCallId) ? nothing : html`<li class="msg tool">${this.#result(m)}</li>`;
        const text = textOf(m);
        if (m.role === 'user' && text.startsWith(REPORT_PREFIX)) return this.#report(text, m.timestamp);
        const toolCalls = m.content.filter((b): b is ToolCallBlock => b.type === 'toolCall');
        return html`<li class="msg ${m.role}" data-role=${m.role}>
          <p class="who"><strong>${m.role === 'user' ? 'User' : 'Assistant'}</strong> <span class="muted">${formatTime(m.timestamp)}</span></p>
          ${text ? html`<pre class="text">${visibleText(text)}</pre>` : nothing}
          ${toolCalls.map((c) => this.#call(c, results.get(c.id)))}
        </li>`;
      })}
    </ol>`;
  }

  #report(text: string, ts: number | undefined): TemplateResult {
    return html`<li class="msg report" data-role="report">
      <p class="who"><strong>Sub-agent report</strong> ${ts === undefined ? nothing : html`<span class="muted">${formatTime(ts)}</span>`}</p>
      <pre class="text">${visibleText(text)}</pre>
    </li>`;
  }

  #liveEntries(): TemplateResult {
    if (this.#live.length === 0) return html``;
    return html`<ol class="transcript">
      ${this.#live.map((e) => {
        if (e.kind === 'user')
          return html`<li class="msg user" data-role="user"><p class="who"><strong>User</strong> <span class="muted">sending…</span></p><pre class="text">${visibleText(e.text)}</pre></li>`;
        if (e.kind === 'assistant')
          return html`<li class="msg assistant" data-role="assistant" data-streaming=${e.streaming ? 'true' : 'false'}>
            <p class="who"><strong>Assistant</strong> ${e.streaming ? html`<span class="muted">writing…</span>` : nothing}</p>
            <pre class="text">${visibleText(e.text)}</pre>
          </li>`;
        const outcome = e.state === 'running' ? 'running' : e.state === 'error' ? 'failed' : 'ok';
        return html`<li class="msg tool"><details class="tool-call" data-tool=${e.name} data-state=${e.state}>
          <summary>Tool call <code>${e.name}</code> (${outcome}${e.durationMs !== undefined ? `, ${Math.round(e.durationMs)} ms` : ''})</summary>
          <p class="muted">Arguments</p>
          <pre class="json">${inertJson(e.args, 2)}</pre>
          ${e.result !== undefined ? html`<p class="muted">Result</p><pre class="text">${visibleText(e.result)}</pre>` : nothing}
        </details></li>`;
      })}
    </ol>`;
  }

  #call(c: ToolCallBlock, result: WireMessage | undefined): TemplateResult {
    const outcome = result === undefined ? 'no result' : result.isError ? 'failed' : 'ok';
    return html`<details class="tool-call" data-tool=${c.name}>
      <summary>Tool call <code>${c.name}</code> (${outcome}${result?.durationMs !== undefined ? `, ${Math.round(result.durationMs)} ms` : ''})</summary>
      <p class="muted">Arguments</p>
      <pre class="json">${inertJson(c.arguments, 2)}</pre>
      ${result ? html`<p class="muted">Result</p><pre class="text">${visibleText(textOf(result))}</pre>` : nothing}
    </details>`;
  }

  #result(m: WireMessage): TemplateResult {
    return html`<details class="tool-call">
      <summary>Tool result <code>${m.toolName ?? 'unknown tool'}</code> (${m.isError ? 'failed' : 'ok'})</summary>
      <pre class="text">${visibleText(textOf(m))}</pre>
    </details>`;
  }
}

customElements.define('cg-chat', ChatPage);
