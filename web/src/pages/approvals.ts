import { LitElement, html, nothing, type TemplateResult } from 'lit';
import type { ClawgateError } from '../../../src/protocol/error-catalogue.js';
import {
  execApprovalList,
  execApprovalResolve,
  execApprovalsAllowlistList,
  execApprovalsAllowlistRemove,
  type AllowlistEntryView,
  type ApprovalDecision,
  type ExecApprovalView,
} from '../../../src/protocol/methods/exec-approvals.js';
import { confirmAction } from '../confirm-dialog.js';
import type { GatewayConnection } from '../gateway-connection.js';
import { formatDuration, formatTime, visibleText } from '../format.js';

/** Events that change the lists; the gateway's store is the truth, so each one re-reads it. */
const REFRESH_ON = new Set(['exec.approval.requested', 'exec.approval.resolved']);
/** How many decided requests the Recent list shows. */
const RECENT_LIMIT = 20;

/** Decisions the status already says; other hows (timeout, aborted, gateway-restart...) are shown beside it. */
const PLAIN_HOW = new Set(['allow-once', 'allow-always', 'deny']);

const STATUS_TEXT: Record<ExecApprovalView['status'], string> = {
  pending: 'pending',
  'allowed-once': 'allowed once',
  'allowed-always': 'allowed always',
  denied: 'denied',
  expired: 'expired',
};

/**
 * Approvals: commands waiting for the owner (allow once, allow always, deny), recently decided ones with
 * who decided and how, and the stored exec allowlist (remove). Live through exec.approval.* events.
 * Commands come from the model: they are shown as text only (Lit's interpolation escapes them).
 */
export class ApprovalsPage extends LitElement {
  #conn: GatewayConnection | undefined;
  #pending: ExecApprovalView[] | undefined;
  #recent: ExecApprovalView[] | undefined;
  #allowlist: AllowlistEntryView[] | undefined;
  #error: string | undefined;
  #allowlistError: string | undefined;
  #status = '';
  #busy = new Set<string>();
  #off: (() => void) | undefined;
  #tick: ReturnType<typeof setInterval> | undefined;

  set conn(conn: GatewayConnection | undefined) {
    if (conn === this.#conn) return;
    this.#off?.();
    this.#conn = conn;
    this.#off = conn?.onEvent((e) => {
      if (REFRESH_ON.has(e.event)) void this.#load();
    });
    void this.#load();
  }

  override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // The "expires in" countdown; only pending rows change.
    this.#tick = setInterval(() => {
      if (this.#pending && this.#pending.length > 0) this.requestUpdate();
    }, 1000);
  }

  override disconnectedCallback(): void {
    this.#off?.();
    clearInterval(this.#tick);
    super.disconnectedCallback();
  }

  async #load(): Promise<void> {
    const conn = this.#conn;
    if (!conn) return;
    const [list, allow] = await Promise.allSettled([conn.call(execApprovalList, { limit: RECENT_LIMIT }), conn.call(execApprovalsAllowlistList)]);
    if (list.status === 'fulfilled') {
      this.#pending = list.value.pending;
      this.#recent = list.value.recent;
      this.#error = undefined;
    } else this.#error = (list.reason as ClawgateError).message;
    if (allow.status === 'fulfilled') {
      this.#allowlist = allow.value.entries;
      this.#allowlistError = undefined;
    } else this.#allowlistError = (allow.reason as ClawgateError).message;
    this.requestUpdate();
  }

  async #act(key: string, what: string, fn: () => Promise<unknown>): Promise<void> {
    this.#busy.add(key);
    this.requestUpdate();
    try {
      await fn();
      this.#status = what;
      this.#error = undefined;
    } catch (err) {
      this.#error = (err as ClawgateError).message;
    }
    this.#busy.delete(key);
    await this.#load();
  }

  async #resolve(a: ExecApprovalView, decision: ApprovalDecision): Promise<void> {
    if (decision === 'allow-always') {
      const ok = await confirmAction({
        title: 'Allow this command always?',
        body: `It runs now, and the exact command is added to the allowlist of agent ${a.agentId}: from then on it runs without asking. Remove it below to ask again.`,
        confirmLabel: 'Allow always',
      });
      if (!ok) return;
    }
    const done = { 'allow-once': 'Allowed once', 'allow-always': 'Allowed always', deny: 'Denied' }[decision];
    await this.#act(a.id, `${done}: request ${a.id.slice(0, 8)}.`, () => this.#conn!.call(execApprovalResolve, { id: a.id, decision }));
  }

  async #removePattern(e: AllowlistEntryView): Promise<void> {
    const ok = await confirmAction({
      title: 'Remove this allowlist entry?',
      body: `The command ${e.pattern} will ask for approval again (agent ${e.agentId}).`,
      confirmLabel: 'Remove',
    });
    if (ok) await this.#act(`allow:${e.agentId}:${e.pattern}`, `Removed an allowlist entry of agent ${e.agentId}.`, () => this.#conn!.call(execApprovalsAllowlistRemove, { pattern: e.pattern, agentId: e.agentId }));
  }

  override render(): TemplateResult {
    return html`
      <h2>Approvals</h2>
      <p class="sr-status" role="status" aria-live="polite">${this.#status}</p>
      ${this.#error ? html`<div class="error" role="alert"><p>${this.#error}</p></div>` : nothing}
      <section aria-labelledby="approvals-pending-title">
        <h3 id="approvals-pending-title">Waiting for you</h3>
        ${this.#pending === undefined ? html`<p>Loading…</p>` : this.#pending.length === 0 ? html`<p>No command is waiting for approval.</p>` : this.#pendingTable(this.#pending)}
      </section>
      <section aria-labelledby="approvals-recent-title">
        <h3 id="approvals-recent-title">Recent</h3>
        ${this.#recent === undefined ? html`<p>Loading…</p>` : this.#recent.length === 0 ? html`<p>No request has been decided yet.</p>` : this.#recentTable(this.#recent)}
      </section>
      <section aria-labelledby="allowlist-title">
        <h3 id="allowlist-title">Allowlist</h3>
        <p class="muted">Commands stored by "Allow always" or <code>clawgate approvals allowlist add</code>; they run without asking. Patterns in <code>tools.exec.allowlist</code> live in the config file and are not listed here.</p>
        ${this.#allowlistError ? html`<div class="error" role="alert"><p>${this.#allowlistError}</p></div>` : nothing}
        ${this.#allowlist === undefined ? (this.#allowlistError ? nothing : html`<p>Loading…</p>`) : this.#allowlist.length === 0 ? html`<p>The stored allowlist is empty.</p>` : this.#allowlistTable(this.#allowlist)}
      </section>
    `;
  }

  #pendingTable(rows: ExecApprovalView[]): TemplateResult {
    const now = Date.now();
    return html`<table class="list" id="approvals-pending">
      <thead>
        <tr><th scope="col">Command</th><th scope="col">Agent and session</th><th scope="col">Working directory</th><th scope="col">Sandboxed</th><th scope="col">Expires in</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
      </thead>
      <tbody>
        ${rows.map((a) => {
          const busy = this.#busy.has(a.id);
          const short = a.id.slice(0, 8);
          return html`<tr data-approval=${a.id}>
            <td><pre class="command">${visibleText(a.command)}</pre><code class="id">${short}</code></td>
            <td>${a.agentId}<br /><code class="id">${a.sessionKey}</code></td>
            <td><code>${a.cwd}</code></td>
            <td>${a.sandboxed ? 'yes' : 'no'}</td>
            <td>${a.expiresAtMs > now ? formatDuration(a.expiresAtMs - now) : 'now'}</td>
            <td class="actions">
              <button type="button" ?disabled=${busy} @click=${() => void this.#resolve(a, 'allow-once')} aria-label="Allow once ${short}">Allow once</button>
              <button type="button" ?disabled=${busy} @click=${() => void this.#resolve(a, 'allow-always')} aria-label="Allow always ${short}">Allow always</button>
              <button type="button" class="danger" ?disabled=${busy} @click=${() => void this.#resolve(a, 'deny')} aria-label="Deny ${short}">Deny</button>
            </td>
          </tr>`;
        })}
      </tbody>
    </table>`;
  }

  #recentTable(rows: ExecApprovalView[]): TemplateResult {
    const me = this.#conn?.identity.deviceId;
    return html`<table class="list" id="approvals-recent">
      <thead>
        <tr><th scope="col">Command</th><th scope="col">Agent</th><th scope="col">Outcome</th><th scope="col">Decided by</th><th scope="col">When</th></tr>
      </thead>
      <tbody>
        ${rows.map(
          (a) => html`<tr data-approval=${a.id}>
            <td><pre class="command">${visibleText(a.command)}</pre></td>
            <td>${a.agentId}</td>
            <td data-outcome>${STATUS_TEXT[a.status]}${a.how && !PLAIN_HOW.has(a.how) ? html` (${a.how})` : nothing}</td>
            <td data-decided-by>${a.decidedBy === undefined ? '—' : a.decidedBy === me ? 'this browser' : a.decidedBy.length === 64 ? html`device <code>${a.decidedBy.slice(0, 12)}</code>` : a.decidedBy}</td>
            <td>${formatTime(a.decidedAtMs)}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  #allowlistTable(rows: AllowlistEntryView[]): TemplateResult {
    return html`<table class="list" id="allowlist">
      <thead>
        <tr><th scope="col">Pattern</th><th scope="col">Agent</th><th scope="col">Added by</th><th scope="col">Added</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
      </thead>
      <tbody>
        ${rows.map(
          (e) => html`<tr>
            <td><pre class="command">${visibleText(e.pattern)}</pre></td>
            <td>${e.agentId === '*' ? 'every agent' : e.agentId}</td>
            <td>${e.addedBy}</td>
            <td>${formatTime(e.addedAtMs)}</td>
            <td class="actions"><button type="button" class="danger" ?disabled=${this.#busy.has(`allow:${e.agentId}:${e.pattern}`)} @click=${() => void this.#removePattern(e)} aria-label="Remove ${e.pattern}">Remove</button></td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }
}

customElements.define('cg-approvals', ApprovalsPage);
