import { LitElement, html, nothing, type TemplateResult } from 'lit';
import type { ClawgateError } from '../../../src/protocol/error-catalogue.js';
import type { CronJob, CronJobInput, CronRunEntry } from '../../../src/protocol/cron-job.js';
import { cronAdd, cronList, cronRemove, cronRun, cronRuns, cronUpdate } from '../../../src/protocol/methods/cron.js';
import { confirmAction } from '../confirm-dialog.js';
import type { GatewayConnection } from '../gateway-connection.js';
import { formatDuration, formatTime, visibleText } from '../format.js';

/** How often the page re-reads while a run goes on (there are no cron events), and otherwise. */
const RUNNING_POLL_MS = 2_000;
const IDLE_POLL_MS = 15_000;
/** Runs one history shows (newest first). */
const HISTORY_LIMIT = 20;
/** A run started from this page is watched at most this long. */
const WATCH_MAX_MS = 10 * 60_000;

type Kind = 'every' | 'at' | 'cron';

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30s`, `5m`, `1h30m`, `1d` as milliseconds (the gateway checks the range); undefined when it is not one. */
export function intervalMs(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (!/^(\d+[smhd])+$/.test(t)) return undefined;
  let ms = 0;
  for (const [, n, u] of t.matchAll(/(\d+)([smhd])/g)) ms += Number(n) * UNIT_MS[u!]!;
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** A schedule in words, as `clawgate cron list` says it. */
export function scheduleText(s: CronJob['schedule']): string {
  switch (s.kind) {
    case 'every':
      return `every ${formatDuration(s.everyMs)}`;
    case 'at':
      return `once at ${s.at}`;
    case 'cron':
      return `cron ${s.expr}${s.tz ? ` (${s.tz})` : ''}`;
  }
}

function targetText(job: CronJob): string {
  const base = job.sessionTarget === 'main' ? `main session (${job.wakeMode === 'now' ? 'wakes now' : 'next heartbeat'})` : 'isolated session';
  return job.delivery?.mode === 'announce' ? `${base}, announced on ${job.delivery.channel ?? 'last'}${job.delivery.to ? `:${job.delivery.to}` : ''}` : base;
}

function stateText(job: CronJob): string {
  if (job.state.runningAtMs !== undefined) return 'running';
  if (!job.enabled) return 'disabled';
  return job.state.consecutiveErrors > 0 ? `enabled, backing off (${job.state.consecutiveErrors} errors)` : 'enabled';
}

function payloadText(job: CronJob): string {
  return job.payload.kind === 'agentTurn' ? job.payload.message : job.payload.text;
}

/**
 * Cron: the gateway's jobs (cron.list) with Run now, Enable/Disable, Remove (asks first) and each job's run
 * history on demand (cron.runs); a form that adds a job (cron.add), the gateway's refusal shown as it sends
 * it. The gateway sends no cron events: the page re-reads every 2 s while a run goes on, else every 15 s.
 */
export class CronPage extends LitElement {
  #conn: GatewayConnection | undefined;
  #jobs: CronJob[] | undefined;
  #error: string | undefined;
  #addError: string | undefined;
  #status = '';
  #busy = new Set<string>();
  /** Jobs whose history is open, with their runs once read. */
  #open = new Map<string, CronRunEntry[] | undefined>();
  #historyError = new Map<string, string>();
  /** Runs started here that have not ended yet: runId -> { jobId, since }. */
  #watch = new Map<string, { jobId: string; since: number }>();
  #kind: Kind = 'every';
  #session: 'isolated' | 'main' = 'isolated';
  #timer: ReturnType<typeof setTimeout> | undefined;
  #adding = false;

  set conn(conn: GatewayConnection | undefined) {
    if (conn === this.#conn) return;
    this.#conn = conn;
    void this.#refresh();
  }

  override createRenderRoot(): HTMLElement {
    return this;
  }

  override disconnectedCallback(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    super.disconnectedCallback();
  }

  #running(): boolean {
    if (this.#watch.size > 0) return true;
    if (this.#jobs?.some((j) => j.state.runningAtMs !== undefined)) return true;
    for (const runs of this.#open.values()) if (runs?.some((r) => r.status === 'running')) return true;
    return false;
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    if (!this.isConnected) return;
    this.#timer = setTimeout(() => void this.#refresh(), this.#running() ? RUNNING_POLL_MS : IDLE_POLL_MS);
  }

  /** Re-read the jobs and every open history (and the histories of watched runs). */
  async #refresh(): Promise<void> {
    const conn = this.#conn;
    if (!conn) return;
    try {
      this.#jobs = (await conn.call(cronList, { includeDisabled: true })).jobs;
      this.#error = undefined;
    } catch (err) {
      this.#error = (err as ClawgateError).message;
    }
    const ids = new Set([...this.#open.keys(), ...[...this.#watch.values()].map((w) => w.jobId)]);
    await Promise.all([...ids].map((id) => this.#loadRuns(id)));
    const now = Date.now();
    for (const [runId, w] of this.#watch) {
      const entry = this.#open.get(w.jobId)?.find((r) => r.runId === runId);
      if ((entry && entry.status !== 'running') || now - w.since > WATCH_MAX_MS || !this.#jobs?.some((j) => j.id === w.jobId)) {
        this.#watch.delete(runId);
        if (entry && entry.status !== 'running') this.#status = `Run of ${this.#nameOf(w.jobId)} ended: ${entry.status}.`;
      }
    }
    this.requestUpdate();
    this.#schedule();
  }

  async #loadRuns(id: string): Promise<void> {
    try {
      const { entries } = await this.#conn!.call(cronRuns, { id, limit: HISTORY_LIMIT });
      this.#open.set(id, entries);
      this.#historyError.delete(id);
    } catch (err) {
      if (!this.#open.has(id)) this.#open.set(id, undefined);
      this.#historyError.set(id, (err as ClawgateError).message);
    }
  }

  #nameOf(id: string): string {
    return this.#jobs?.find((j) => j.id === id)?.name ?? id.slice(0, 8);
  }

  async #act(key: string, fn: () => Promise<string>): Promise<void> {
    this.#busy.add(key);
    this.requestUpdate();
    try {
      this.#status = await fn();
      this.#error = undefined;
    } catch (err) {
      this.#error = (err as ClawgateError).message;
    }
    this.#busy.delete(key);
    await this.#refresh();
  }

  #runNow(job: CronJob): Promise<void> {
    return this.#act(job.id, async () => {
      const { runId } = await this.#conn!.call(cronRun, { id: job.id });
      this.#watch.set(runId, { jobId: job.id, since: Date.now() });
      // The history shows the run as it goes and how it ended.
      if (!this.#open.has(job.id)) this.#open.set(job.id, undefined);
      return `Started a run of ${job.name}.`;
    });
  }

  #toggle(job: CronJob): Promise<void> {
    return this.#act(job.id, async () => {
      await this.#conn!.call(cronUpdate, { id: job.id, patch: { enabled: !job.enabled } });
      return `${job.enabled ? 'Disabled' : 'Enabled'} ${job.name}.`;
    });
  }

  async #remove(job: CronJob): Promise<void> {
    const ok = await confirmAction({
      title: 'Remove this cron job?',
      body: `${job.name} (${scheduleText(job.schedule)}) will not run again. Its run history stays in the ledger.`,
      confirmLabel: 'Remove',
    });
    if (!ok) return;
    await this.#act(job.id, async () => {
      await this.#conn!.call(cronRemove, { id: job.id });
      this.#open.delete(job.id);
      return `Removed ${job.name}.`;
    });
  }

  async #toggleHistory(job: CronJob): Promise<void> {
    if (this.#open.has(job.id)) {
      this.#open.delete(job.id);
      this.#historyError.delete(job.id);
      this.requestUpdate();
      return;
    }
    this.#open.set(job.id, undefined);
    this.requestUpdate();
    await this.#loadRuns(job.id);
    this.requestUpdate();
    this.#schedule();
  }

  async #submit(ev: SubmitEvent): Promise<void> {
    ev.preventDefault();
    const form = ev.target as HTMLFormElement;
    const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement).value;
    const name = field('name').trim();
    const value = field('schedule').trim();
    const tz = field('tz').trim();
    const text = field('text');
    let schedule: CronJobInput['schedule'];
    if (this.#kind === 'every') {
      const ms = intervalMs(value);
      if (ms === undefined) {
        this.#addError = `The interval "${value}" is not a duration like 30s, 5m, 1h or 1h30m.`;
        this.requestUpdate();
        return;
      }
      schedule = { kind: 'every', everyMs: ms };
    } else if (this.#kind === 'at') schedule = { kind: 'at', at: value };
    else schedule = { kind: 'cron', expr: value, ...(tz ? { tz } : {}) };
    const input: CronJobInput = {
      name,
      schedule,
      sessionTarget: this.#session,
      payload: this.#session === 'isolated' ? { kind: 'agentTurn', message: text } : { kind: 'systemEvent', text },
    };
    this.#adding = true;
    this.requestUpdate();
    try {
      const job = await this.#conn!.call(cronAdd, input);
      this.#addError = undefined;
      this.#status = `Added ${job.name}: ${scheduleText(job.schedule)}${job.state.nextRunAtMs !== undefined ? `, next run ${formatTime(job.state.nextRunAtMs)}` : ''}.`;
      form.reset();
      this.#kind = 'every';
      this.#session = 'isolated';
    } catch (err) {
      // The gateway's own sentence: it names the field and what it takes.
      this.#addError = (err as ClawgateError).message;
    }
    this.#adding = false;
    await this.#refresh();
  }

  override render(): TemplateResult {
    return html`
      <h2>Cron</h2>
      <p class="sr-status" role="status" aria-live="polite">${this.#status}</p>
      ${this.#error ? html`<div class="error" role="alert"><p>${this.#error}</p></div>` : nothing}
      <section aria-labelledby="cron-jobs-title">
        <h3 id="cron-jobs-title">Jobs</h3>
        ${this.#jobs === undefined ? (this.#error ? nothing : html`<p>Loading…</p>`) : this.#jobs.length === 0 ? html`<p>No cron jobs yet. Add one below.</p>` : this.#jobsTable(this.#jobs)}
      </section>
      ${this.#form()}
    `;
  }

  #jobsTable(jobs: CronJob[]): TemplateResult {
    return html`<table class="list" id="cron-jobs">
      <thead>
        <tr><th scope="col">Name</th><th scope="col">Schedule</th><th scope="col">Target</th><th scope="col">State</th><th scope="col">Next run</th><th scope="col">Last run</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
      </thead>
      <tbody>
        ${jobs.map((j) => this.#jobRows(j))}
      </tbody>
    </table>`;
  }

  #jobRows(j: CronJob): TemplateResult {
    const busy = this.#busy.has(j.id);
    const open = this.#open.has(j.id);
    const name = visibleText(j.name);
    return html`<tr data-job=${j.id}>
        <td><strong>${name}</strong><br /><code class="id">${j.id.slice(0, 8)}</code>${j.createdBy ? html`<br /><span class="muted">added by an agent</span>` : nothing}
          <p class="muted job-text">${visibleText(payloadText(j))}</p></td>
        <td data-schedule>${scheduleText(j.schedule)}</td>
        <td>${targetText(j)}<br />agent ${j.agentId}</td>
        <td data-state>${stateText(j)}</td>
        <td>${formatTime(j.state.nextRunAtMs)}</td>
        <td data-last>${j.state.lastStatus ? html`${j.state.lastStatus}, ${formatTime(j.state.lastRunAtMs)}${j.state.lastError ? html`<br /><span class="muted">${visibleText(j.state.lastError)}</span>` : nothing}` : 'never'}</td>
        <td class="actions">
          <button type="button" ?disabled=${busy} @click=${() => void this.#runNow(j)} aria-label="Run now ${name}">Run now</button>
          <button type="button" ?disabled=${busy} @click=${() => void this.#toggle(j)} aria-label="${j.enabled ? 'Disable' : 'Enable'} ${name}">${j.enabled ? 'Disable' : 'Enable'}</button>
          <button type="button" aria-expanded=${open ? 'true' : 'false'} aria-controls="runs-${j.id}" @click=${() => void this.#toggleHistory(j)} aria-label="History ${name}">History</button>
          <button type="button" class="danger" ?disabled=${busy} @click=${() => void this.#remove(j)} aria-label="Remove ${name}">Remove</button>
        </td>
      </tr>
      ${open ? html`<tr class="runs-row"><td colspan="7" id="runs-${j.id}">${this.#history(j)}</td></tr>` : nothing}`;
  }

  #history(j: CronJob): TemplateResult {
    const runs = this.#open.get(j.id);
    const err = this.#historyError.get(j.id);
    if (err) return html`<div class="error" role="alert"><p>${err}</p></div>`;
    if (runs === undefined) return html`<p>Loading the runs of ${visibleText(j.name)}…</p>`;
    if (runs.length === 0) return html`<p>${visibleText(j.name)} has not run yet.</p>`;
    return html`<table class="list runs" data-runs=${j.id}>
      <caption>Last runs of ${visibleText(j.name)}, newest first</caption>
      <thead>
        <tr><th scope="col">Started</th><th scope="col">Duration</th><th scope="col">Status</th><th scope="col">Error code</th><th scope="col">Summary</th></tr>
      </thead>
      <tbody>
        ${runs.map(
          (r) => html`<tr data-run=${r.runId}>
            <td>${formatTime(r.startedAtMs)}${r.manual ? html`<br /><span class="muted">manual</span>` : nothing}</td>
            <td>${r.durationMs !== undefined ? (r.durationMs < 1000 ? `${r.durationMs} ms` : formatDuration(r.durationMs)) : '—'}</td>
            <td data-status>${r.status}</td>
            <td data-error-code>${r.errorCode ?? '—'}</td>
            <td><pre class="text">${visibleText(r.summary ?? r.error ?? '')}</pre>${r.deliveryStatus === 'not-delivered' && r.deliveryError ? html`<p class="muted">not delivered: ${visibleText(r.deliveryError)}</p>` : nothing}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  #form(): TemplateResult {
    const kind = this.#kind;
    const valueLabel = kind === 'every' ? 'Interval' : kind === 'at' ? 'Time' : 'Cron expression';
    const valueHint = kind === 'every' ? 'e.g. 30s, 5m, 1h, 1h30m (at least 10s)' : kind === 'at' ? 'an ISO time (2026-03-01T09:00:00+01:00) or relative (+20m, +2h)' : '5 fields, or 6 with seconds first, e.g. 0 9 * * 1-5';
    return html`<section aria-labelledby="cron-add-title">
      <h3 id="cron-add-title">Add a job</h3>
      <form class="cron-add" @submit=${(ev: SubmitEvent) => void this.#submit(ev)} autocomplete="off">
        <div class="field">
          <label for="cron-name">Name</label>
          <input id="cron-name" name="name" required maxlength="200" />
        </div>
        <div class="field">
          <label for="cron-kind">Schedule</label>
          <select id="cron-kind" name="kind" @change=${(e: Event) => { this.#kind = (e.target as HTMLSelectElement).value as Kind; this.requestUpdate(); }}>
            <option value="every" ?selected=${kind === 'every'}>every (interval)</option>
            <option value="at" ?selected=${kind === 'at'}>at (once)</option>
            <option value="cron" ?selected=${kind === 'cron'}>cron expression</option>
          </select>
        </div>
        <div class="field">
          <label for="cron-schedule">${valueLabel}</label>
          <input id="cron-schedule" name="schedule" required aria-describedby="cron-schedule-hint" />
          <span id="cron-schedule-hint" class="muted hint">${valueHint}</span>
        </div>
        <div class="field">
          <label for="cron-tz">Time zone</label>
          <input id="cron-tz" name="tz" ?disabled=${kind !== 'cron'} aria-describedby="cron-tz-hint" />
          <span id="cron-tz-hint" class="muted hint">cron only; IANA name such as Europe/Berlin (default: the gateway host's zone)</span>
        </div>
        <div class="field">
          <label for="cron-session">Session</label>
          <select id="cron-session" name="session" aria-describedby="cron-session-hint" @change=${(e: Event) => { this.#session = (e.target as HTMLSelectElement).value as 'isolated' | 'main'; this.requestUpdate(); }}>
            <option value="isolated" ?selected=${this.#session === 'isolated'}>isolated (agent message)</option>
            <option value="main" ?selected=${this.#session === 'main'}>main (system event)</option>
          </select>
          <span id="cron-session-hint" class="muted hint">isolated: a fresh session per run gets the message; main: the event goes into the main session</span>
        </div>
        <div class="field wide">
          <label for="cron-text">${this.#session === 'isolated' ? 'Message' : 'System event'}</label>
          <textarea id="cron-text" name="text" rows="3" required></textarea>
        </div>
        ${this.#addError ? html`<div class="error wide" role="alert" id="cron-add-error"><p>${this.#addError}</p></div>` : nothing}
        <div class="wide"><button type="submit" ?disabled=${this.#adding}>Add job</button></div>
      </form>
    </section>`;
  }
}

customElements.define('cg-cron', CronPage);
