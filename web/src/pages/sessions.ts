import { LitElement, html, nothing, type TemplateResult } from 'lit';
import type { ClawgateError } from '../../../src/protocol/error-catalogue.js';
import { inertJson } from '../../../src/protocol/display-text.js';
import { chatHistory, type WireMessage } from '../../../src/protocol/methods/chat.js';
import { sessionsList, type SessionRow } from '../../../src/protocol/methods/sessions.js';
import type { GatewayConnection } from '../gateway-connection.js';
import { formatTime, visibleText } from '../format.js';

/** Rows one list shows (the newest first). */
const LIST_LIMIT = 200;
/** Transcript entries the history shows (the last ones). */
const HISTORY_LIMIT = 200;
/** Pause after the last keystroke before the search is sent. */
const SEARCH_DEBOUNCE_MS = 250;

type ToolCallBlock = Extract<WireMessage['content'][number], { type: 'toolCall' }>;

function tokens(n: number | undefined): string {
  return n === undefined ? '—' : n.toLocaleString();
}

function textOf(m: WireMessage): string {
  return m.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n');
}

/**
 * Sessions: sessions.list (with its search), and one session's transcript (chat.history): user and
 * assistant text, tool calls with their arguments and results in <details>. Everything shown came from
 * the model or a channel: text only, never HTML.
 */
export class SessionsPage extends LitElement {
  #conn: GatewayConnection | undefined;
  #rows: SessionRow[] | undefined;
  #count = 0;
  #search = '';
  #error: string | undefined;
  #selected: string | undefined;
  #history: WireMessage[] | undefined;
  #historyError: string | undefined;
  #debounce: ReturnType<typeof setTimeout> | undefined;
  #seq = 0;

  set conn(conn: GatewayConnection | undefined) {
    if (conn === this.#conn) return;
    this.#conn = conn;
    void this.#load();
    if (this.#selected) void this.#loadHistory(this.#selected);
  }

  override createRenderRoot(): HTMLElement {
    return this;
  }

  override disconnectedCallback(): void {
    clearTimeout(this.#debounce);
    super.disconnectedCallback();
  }

  async #load(): Promise<void> {
    const conn = this.#conn;
    if (!conn) return;
    const seq = ++this.#seq;
    const search = this.#search.trim();
    try {
      const r = await conn.call(sessionsList, search ? { limit: LIST_LIMIT, search } : { limit: LIST_LIMIT });
      if (seq !== this.#seq) return; // an older answer than the search now typed
      this.#rows = r.sessions;
      this.#count = r.count;
      this.#error = undefined;
    } catch (err) {
      if (seq !== this.#seq) return;
      this.#error = (err as ClawgateError).message;
    }
    this.requestUpdate();
  }

  async #loadHistory(key: string): Promise<void> {
    const conn = this.#conn;
    if (!conn) return;
    this.#selected = key;
    this.#history = undefined;
    this.#historyError = undefined;
    this.requestUpdate();
    try {
      const r = await conn.call(chatHistory, { sessionKey: key, limit: HISTORY_LIMIT });
      if (this.#selected !== key) return;
      this.#history = r.messages;
    } catch (err) {
      if (this.#selected !== key) return;
      this.#historyError = (err as ClawgateError).message;
    }
    this.requestUpdate();
    await this.updateComplete;
    this.querySelector<HTMLElement>('#history-title')?.focus();
  }

  #onSearch(ev: Event): void {
    this.#search = (ev.target as HTMLInputElement).value;
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => void this.#load(), SEARCH_DEBOUNCE_MS);
  }

  #onSubmit(ev: SubmitEvent): void {
    ev.preventDefault();
    clearTimeout(this.#debounce);
    void this.#load();
  }

  override render(): TemplateResult {
    return html`
      <h2>Sessions</h2>
      ${this.#error ? html`<div class="error" role="alert"><p>${this.#error}</p></div>` : nothing}
      <form class="search" role="search" @submit=${(ev: SubmitEvent) => this.#onSubmit(ev)} autocomplete="off">
        <label for="session-search">Search sessions</label>
        <input id="session-search" name="search" type="search" maxlength="200" .value=${this.#search} @input=${(ev: Event) => this.#onSearch(ev)} />
        <button type="submit">Search</button>
      </form>
      <section aria-labelledby="sessions-title">
        <h3 id="sessions-title">${this.#search.trim() ? `Sessions matching "${this.#search.trim()}"` : 'All sessions'}</h3>
        <p class="sr-status" role="status" aria-live="polite">${this.#rows === undefined ? '' : `${this.#count} session${this.#count === 1 ? '' : 's'}`}</p>
        ${this.#rows === undefined ? html`<p>Loading…</p>` : this.#rows.length === 0 ? html`<p>No session${this.#search.trim() ? ' matches' : ' yet'}.</p>` : this.#table(this.#rows)}
      </section>
      ${this.#selected ? this.#historySection(this.#selected) : nothing}
    `;
  }

  #table(rows: SessionRow[]): TemplateResult {
    return html`<table class="list" id="sessions">
      <thead>
        <tr><th scope="col">Session</th><th scope="col">Agent</th><th scope="col">Kind</th><th scope="col">Label</th><th scope="col">Messages</th><th scope="col">Model</th><th scope="col">Tokens in / out</th><th scope="col">Last update</th></tr>
      </thead>
      <tbody>
        ${rows.map(
          (s) => html`<tr data-session=${s.key} aria-current=${this.#selected === s.key ? 'true' : nothing}>
            <td><button type="button" class="link" @click=${() => void this.#loadHistory(s.key)} aria-label="Show the history of ${s.key}"><code>${s.key}</code></button></td>
            <td>${s.agentId}</td>
            <td>${s.kind}</td>
            <td>${s.label ?? '—'}</td>
            <td>${s.messageCount}</td>
            <td>${s.modelProvider && s.model ? `${s.modelProvider}/${s.model}` : (s.model ?? '—')}${s.modelOverride ? ' (session override)' : ''}</td>
            <td>${tokens(s.inputTokens)} / ${tokens(s.outputTokens)}</td>
            <td>${formatTime(s.updatedAt)}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  #historySection(key: string): TemplateResult {
    const messages = this.#history;
    return html`<section aria-labelledby="history-title" id="history">
      <h3 id="history-title" tabindex="-1">History of <code>${key}</code></h3>
      ${this.#historyError ? html`<div class="error" role="alert"><p>${this.#historyError}</p></div>` : nothing}
      ${messages === undefined ? (this.#historyError ? nothing : html`<p>Loading…</p>`) : messages.length === 0 ? html`<p>This session has no messages.</p>` : this.#transcript(messages)}
    </section>`;
  }

  #transcript(messages: WireMessage[]): TemplateResult {
    // Each tool result goes inside its call; a result whose call is not in the window is shown on its own.
    const results = new Map<string, WireMessage>();
    for (const m of messages) if (m.role === 'toolResult' && m.toolCallId) results.set(m.toolCallId, m);
    const calls = new Set(messages.flatMap((m) => m.content.flatMap((b) => (b.type === 'toolCall' ? [b.id] : []))));
    return html`<ol class="transcript">
      ${messages.map((m) => {
        if (m.role === 'toolResult') return m.toolCallId && calls.has(m.toolCallId) ? nothing : html`<li class="msg tool">${this.#result(m)}</li>`;
        const text = textOf(m);
        const toolCalls = m.content.filter((b): b is ToolCallBlock => b.type === 'toolCall');
        return html`<li class="msg ${m.role}" data-role=${m.role}>
          <p class="who"><strong>${m.role === 'user' ? 'User' : 'Assistant'}</strong> <span class="muted">${formatTime(m.timestamp)}</span></p>
          ${text ? html`<pre class="text">${visibleText(text)}</pre>` : nothing}
          ${toolCalls.map((c) => this.#call(c, results.get(c.id)))}
        </li>`;
      })}
    </ol>`;
  }

  #call(c: ToolCallBlock, result: WireMessage | undefined): TemplateResult {
    const outcome = result === undefined ? 'no result yet' : result.isError ? 'error' : 'ok';
    return html`<details class="tool-call" data-tool=${c.name}>
      <summary>Tool call <code>${c.name}</code> (${outcome}${result?.durationMs !== undefined ? `, ${Math.round(result.durationMs)} ms` : ''})</summary>
      <p class="muted">Arguments</p>
      <pre class="json">${inertJson(c.arguments, 2)}</pre>
      ${result ? html`<p class="muted">Result</p><pre class="text">${visibleText(textOf(result))}</pre>` : nothing}
    </details>`;
  }

  #result(m: WireMessage): TemplateResult {
    return html`<details class="tool-call">
      <summary>Tool result <code>${m.toolName ?? 'unknown tool'}</code> (${m.isError ? 'error' : 'ok'})</summary>
      <pre class="text">${visibleText(textOf(m))}</pre>
    </details>`;
  }
}

customElements.define('cg-sessions', SessionsPage);
