import { LitElement, html, nothing, type TemplateResult } from 'lit';
import type { ClawgateError } from '../../../src/protocol/error-catalogue.js';
import { health, status } from '../../../src/protocol/methods/gateway-info.js';
import type { ResultOf } from '../../../src/protocol/methods/define.js';
import type { GatewayConnection } from '../gateway-connection.js';
import { formatDuration } from '../format.js';

type Status = ResultOf<typeof status>;
type Health = ResultOf<typeof health>;

/** Events after which the numbers on this page may have changed. */
const REFRESH_ON = new Set(['health', 'presence', 'device.pair.requested', 'device.pair.resolved']);
/** Uptime and connection counts drift without events; a slow poll keeps them honest. */
const POLL_MS = 15_000;

/** Overview: version, uptime, bind, token provenance and fingerprint, devices, channels and providers. */
export class OverviewPage extends LitElement {
  #conn: GatewayConnection | undefined;
  #status: Status | undefined;
  #health: Health | undefined;
  #error: string | undefined;
  #off: (() => void) | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

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
    this.#timer = setInterval(() => void this.#load(), POLL_MS);
  }

  override disconnectedCallback(): void {
    clearInterval(this.#timer);
    this.#off?.();
    super.disconnectedCallback();
  }

  async #load(): Promise<void> {
    const conn = this.#conn;
    if (!conn) return;
    try {
      [this.#status, this.#health] = await Promise.all([conn.call(status), conn.call(health)]);
      this.#error = undefined;
    } catch (err) {
      this.#error = (err as ClawgateError).message;
    }
    this.requestUpdate();
  }

  override render(): TemplateResult {
    const s = this.#status;
    return html`
      <h2>Overview</h2>
      ${this.#error ? html`<div class="error" role="alert"><p>${this.#error}</p></div>` : nothing}
      ${s ? this.#facts(s) : html`<p role="status">Loading…</p>`}
    `;
  }

  #facts(s: Status): TemplateResult {
    const token = s.auth.token;
    const channels = s.channels ?? [];
    const providers = s.agents?.providers ?? [];
    return html`
      <section aria-labelledby="gw-title" class="card">
        <h3 id="gw-title">Gateway</h3>
        <dl class="facts">
          <dt>Version</dt><dd data-fact="version">${s.version}</dd>
          <dt>Protocol</dt><dd>${s.protocol}</dd>
          <dt>Uptime</dt><dd>${formatDuration(s.uptimeMs)}</dd>
          <dt>Bind</dt><dd>${s.bind.mode} · ${s.bind.host}:${s.bind.port}</dd>
          <dt>Process</dt><dd>pid ${s.pid}</dd>
          <dt>Connections</dt><dd>${s.connections}</dd>
          <dt>Health</dt><dd>${this.#health ? (this.#health.ok ? 'ok' : 'not ok') : '…'}</dd>
        </dl>
      </section>
      <section aria-labelledby="auth-title" class="card">
        <h3 id="auth-title">Gateway token</h3>
        <dl class="facts">
          <dt>Auth mode</dt><dd>${s.auth.mode}</dd>
          <dt>Token from</dt><dd>${token.source}</dd>
          <dt>Fingerprint</dt><dd><code>${token.fingerprint ?? '—'}</code></dd>
        </dl>
      </section>
      <section aria-labelledby="dev-title" class="card">
        <h3 id="dev-title">Devices</h3>
        <p><a href="#/devices">${s.devices.paired} paired, ${s.devices.pending} pending</a></p>
      </section>
      <section aria-labelledby="ch-title" class="card">
        <h3 id="ch-title">Channels</h3>
        ${channels.length === 0
          ? html`<p>No chat channel is configured.</p>`
          : html`<ul>
              ${channels.map((c) => html`<li>${this.#channel(c)}</li>`)}
            </ul>`}
      </section>
      <section aria-labelledby="pr-title" class="card">
        <h3 id="pr-title">Providers</h3>
        ${providers.length === 0
          ? html`<p>No provider reports a problem.</p>`
          : html`<ul>
              ${providers.map((p) => html`<li><strong>${p.id}</strong>: ${p.state}${p.detail ? ` — ${p.detail}` : ''}${p.fix ? html`<br />Fix: <code>${p.fix}</code>` : nothing}</li>`)}
            </ul>`}
      </section>
    `;
  }

  #channel(c: NonNullable<Status['channels']>[number]): TemplateResult {
    return html`<strong>${c.channel}</strong>${c.account ? ` (${c.account})` : ''}: ${c.state}${c.lastError ? ` — ${c.lastError}` : ''}${c.fix ? html`<br />Fix: <code>${c.fix}</code>` : nothing}`;
  }
}

customElements.define('cg-overview', OverviewPage);
