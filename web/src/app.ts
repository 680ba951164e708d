import { LitElement, html, nothing, type TemplateResult } from 'lit';
import type { ClawgateError } from '../../src/protocol/error-catalogue.js';
import { GatewayConnection } from './gateway-connection.js';
import { loadDeviceToken, loadOrCreateIdentity, type BrowserIdentity } from './identity.js';
import './pages/overview.js';
import './pages/devices.js';
import './pages/approvals.js';
import './pages/sessions.js';
import './pages/chat.js';
import './pages/cron.js';
import './pages/logs.js';

type Phase = 'starting' | 'connecting' | 'needs-token' | 'connected' | 'fatal';

/** The pages that work today; the nav shows only these. */
const PAGES = [
  { route: 'overview', title: 'Overview' },
  { route: 'devices', title: 'Devices' },
  { route: 'approvals', title: 'Approvals' },
  { route: 'chat', title: 'Chat' },
  { route: 'sessions', title: 'Sessions' },
  { route: 'cron', title: 'Cron' },
  { route: 'logs', title: 'Logs' },
] as const;
type Route = (typeof PAGES)[number]['route'];

function routeOf(hash: string): Route {
  const name = hash.replace(/^#\/?/, '');
  return PAGES.find((p) => p.route === name)?.route ?? 'overview';
}

/** A `clawgate dashboard` link's code: `#code=<base64url>`. */
const LINK_CODE = /^#code=([A-Za-z0-9_-]{16,256})$/;

/**
 * Take the link's code out of the address bar before anything else runs: it leaves no history entry, no
 * bookmark and no screenshot holding it. The code then lives only in the first connect's arguments.
 */
function takeLinkCode(): string | undefined {
  const m = LINK_CODE.exec(location.hash);
  if (!m) return undefined;
  history.replaceState(null, '', `${location.pathname}#/overview`);
  return m[1];
}

/** The gateway that served this page: same host and port, ws:// or wss:// to match the page. */
function gatewayUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`;
}

const RECONNECT_MS = 2_000;
const MAX_RECONNECT_MS = 10_000;
/** Failures that say nothing about this browser's credentials: wait and try again. */
const UNREACHABLE = new Set(['GATEWAY_UNREACHABLE', 'GATEWAY_TIMEOUT', 'GATEWAY_CLOSED']);

/**
 * The dashboard shell: this browser's identity, the connect (cached device token, or a link's code or the
 * gateway token pasted in the form, each held only for that one connect), the nav and the current page. Light DOM, so one
 * stylesheet ('self' under the CSP) styles everything.
 */
export class ClawgateApp extends LitElement {
  #phase: Phase = 'starting';
  #error: string | undefined;
  #notice: string | undefined;
  #identity: BrowserIdentity | undefined;
  #conn: GatewayConnection | undefined;
  #linkCode: string | undefined = takeLinkCode();
  #route: Route = routeOf(location.hash);
  #busy = false;
  #retryMs = RECONNECT_MS / 2;
  #onHash = () => {
    this.#route = routeOf(location.hash);
    this.requestUpdate();
  };

  override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.#onHash);
    void this.#start();
  }

  override disconnectedCallback(): void {
    window.removeEventListener('hashchange', this.#onHash);
    super.disconnectedCallback();
  }

  #set(phase: Phase, error?: string): void {
    this.#phase = phase;
    this.#error = error;
    this.requestUpdate();
  }

  async #start(): Promise<void> {
    try {
      this.#identity = await loadOrCreateIdentity();
    } catch (err) {
      this.#set('fatal', (err as Error).message);
      return;
    }
    const code = this.#linkCode;
    this.#linkCode = undefined;
    if (code) {
      await this.#connect({ bootstrapCode: code });
      return;
    }
    const cached = await loadDeviceToken();
    if (!cached) {
      this.#set('needs-token');
      return;
    }
    await this.#connect({});
  }

  /**
   * One connect; a gateway token or link code, if given, lives in this call's arguments only. A link code
   * pairs afresh, so the cached device token is not sent beside it.
   */
  async #connect(first: { gatewayToken?: string; bootstrapCode?: string }): Promise<boolean> {
    const identity = this.#identity!;
    this.#set('connecting');
    const conn = new GatewayConnection(gatewayUrl(), identity);
    const { gatewayToken, bootstrapCode } = first;
    const deviceToken = bootstrapCode ? undefined : await loadDeviceToken();
    try {
      await conn.connect({ gatewayToken, bootstrapCode, deviceToken });
    } catch (err) {
      const e = err as ClawgateError;
      // A gateway that is restarting or unreachable comes back: a paired browser waits for it, with the cause.
      if (deviceToken && !gatewayToken && !bootstrapCode && UNREACHABLE.has(e.code)) {
        this.#retryMs = Math.min(this.#retryMs * 2, MAX_RECONNECT_MS);
        this.#notice = `${e.message}. Retrying in ${Math.round(this.#retryMs / 1000)} s…`;
        this.#set('connecting');
        setTimeout(() => void this.#connect({}), this.#retryMs);
        return false;
      }
      // The gateway's message, exactly: it says why and which command to run on the host.
      this.#set('needs-token', e.message);
      return false;
    }
    this.#conn = conn;
    this.#notice = undefined;
    this.#retryMs = RECONNECT_MS / 2;
    conn.onClose((code, reason) => {
      if (this.#conn !== conn) return;
      this.#conn = undefined;
      this.#notice = `Disconnected from the gateway (${code}${reason ? `: ${reason}` : ''}). Reconnecting…`;
      this.#set('connecting');
      setTimeout(() => void this.#connect({}), RECONNECT_MS);
    });
    this.#set('connected');
    return true;
  }

  async #submitToken(ev: SubmitEvent): Promise<void> {
    ev.preventDefault();
    const form = ev.target as HTMLFormElement;
    const input = form.elements.namedItem('token') as HTMLInputElement;
    const token = input.value.trim();
    // The field is emptied at once: the token stays nowhere in the page once the connect has it.
    input.value = '';
    if (!token) {
      this.#set('needs-token', 'Paste the gateway token: on the host, clawgate gateway token show --show-secret prints it in a terminal.');
      return;
    }
    this.#busy = true;
    await this.#connect({ gatewayToken: token });
    this.#busy = false;
    this.requestUpdate();
  }

  override render(): TemplateResult {
    return html`
      <header class="top">
        <h1>Clawgate</h1>
        ${this.#phase === 'connected' ? this.#nav() : nothing}
      </header>
      <main id="main">${this.#body()}</main>
    `;
  }

  #nav(): TemplateResult {
    return html`<nav aria-label="Pages">
      <ul>
        ${PAGES.map((p) => html`<li><a href="#/${p.route}" aria-current=${this.#route === p.route ? 'page' : nothing}>${p.title}</a></li>`)}
      </ul>
    </nav>`;
  }

  #body(): TemplateResult {
    switch (this.#phase) {
      case 'starting':
        return html`<p role="status">Loading this browser's identity…</p>`;
      case 'connecting':
        return html`<p role="status">${this.#notice ?? 'Connecting to the gateway…'}</p>`;
      case 'fatal':
        return html`<div class="error" role="alert"><h2>The dashboard cannot start</h2><p>${this.#error}</p></div>`;
      case 'needs-token':
        return this.#tokenForm();
      case 'connected':
        return this.#page();
    }
  }

  #page(): TemplateResult {
    switch (this.#route) {
      case 'devices':
        return html`<cg-devices .conn=${this.#conn}></cg-devices>`;
      case 'approvals':
        return html`<cg-approvals .conn=${this.#conn}></cg-approvals>`;
      case 'chat':
        return html`<cg-chat .conn=${this.#conn}></cg-chat>`;
      case 'sessions':
        return html`<cg-sessions .conn=${this.#conn}></cg-sessions>`;
      case 'cron':
        return html`<cg-cron .conn=${this.#conn}></cg-cron>`;
      case 'logs':
        return html`<cg-logs .conn=${this.#conn}></cg-logs>`;
      case 'overview':
        return html`<cg-overview .conn=${this.#conn}></cg-overview>`;
    }
  }

  #tokenForm(): TemplateResult {
    return html`
      <section class="pair" aria-labelledby="pair-title">
        <h2 id="pair-title">Pair this browser</h2>
        ${this.#error ? html`<div class="error" role="alert"><p class="cause">${this.#error}</p></div>` : nothing}
        <p>
          This browser has its own device key (<code class="id">${this.#identity?.deviceId.slice(0, 16)}</code>). Paste the gateway token to pair it; the token is used for this one
          connect and kept nowhere. A browser on another machine gets a pending request instead: approve it on the host with
          <code>clawgate devices approve</code>.
        </p>
        <p>
          On the gateway's host, <code>clawgate dashboard</code> opens a link that pairs this browser (once, within a minute); or
          <code>clawgate gateway token show --show-secret</code> prints the token in a terminal.
        </p>
        <form @submit=${(ev: SubmitEvent) => void this.#submitToken(ev)} autocomplete="off">
          <label for="token">Gateway token</label>
          <input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required />
          <button type="submit" ?disabled=${this.#busy}>Connect</button>
        </form>
      </section>
    `;
  }
}

customElements.define('cg-app', ClawgateApp);
