import { LitElement, html, nothing, type TemplateResult } from 'lit';
import type { ClawgateError } from '../../../src/protocol/error-catalogue.js';
import { devicePairApprove, devicePairList, devicePairReject, devicePairRemove } from '../../../src/protocol/methods/device-pair.js';
import type { PairedDeviceView, PendingRequestView } from '../../../src/protocol/methods/views.js';
import { confirmAction } from '../confirm-dialog.js';
import type { GatewayConnection } from '../gateway-connection.js';
import { formatTime } from '../format.js';

/** Events that change the lists; the store is the truth, so each one re-reads it rather than patching. */
const REFRESH_ON = new Set(['device.pair.requested', 'device.pair.resolved']);

function label(d: { displayName?: string | undefined; clientId?: string | undefined; deviceId: string }): string {
  return d.displayName ?? d.clientId ?? `device ${d.deviceId.slice(0, 12)}`;
}

/** Devices: pending requests (approve, reject) and paired devices (remove), live through device.pair.* events. */
export class DevicesPage extends LitElement {
  #conn: GatewayConnection | undefined;
  #pending: PendingRequestView[] | undefined;
  #paired: PairedDeviceView[] | undefined;
  #error: string | undefined;
  #status = '';
  #off: (() => void) | undefined;

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

  override disconnectedCallback(): void {
    this.#off?.();
    super.disconnectedCallback();
  }

  async #load(): Promise<void> {
    const conn = this.#conn;
    if (!conn) return;
    try {
      const list = await conn.call(devicePairList);
      this.#pending = list.pending;
      this.#paired = list.paired;
      this.#error = undefined;
    } catch (err) {
      this.#error = (err as ClawgateError).message;
    }
    this.requestUpdate();
  }

  async #act(what: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
      this.#status = what;
      this.#error = undefined;
    } catch (err) {
      this.#error = (err as ClawgateError).message;
    }
    await this.#load();
  }

  #approve(p: PendingRequestView): void {
    void this.#act(`Approved ${label(p)}.`, () => this.#conn!.call(devicePairApprove, { requestId: p.requestId }));
  }

  async #reject(p: PendingRequestView): Promise<void> {
    const ok = await confirmAction({ title: `Reject ${label(p)}?`, body: `The request ${p.requestId.slice(0, 8)} is dropped; the device can ask again.`, confirmLabel: 'Reject' });
    if (ok) await this.#act(`Rejected ${label(p)}.`, () => this.#conn!.call(devicePairReject, { requestId: p.requestId }));
  }

  async #remove(d: PairedDeviceView): Promise<void> {
    const self = d.deviceId === this.#conn?.identity.deviceId;
    const body = self
      ? 'This is this browser: it is disconnected at once and must pair again.'
      : 'Its tokens are deleted and its open connections closed; it must pair again to connect.';
    const ok = await confirmAction({ title: `Remove ${label(d)}?`, body, confirmLabel: 'Remove' });
    if (ok) await this.#act(`Removed ${label(d)}.`, () => this.#conn!.call(devicePairRemove, { deviceId: d.deviceId }));
  }

  override render(): TemplateResult {
    return html`
      <h2>Devices</h2>
      <p class="sr-status" role="status" aria-live="polite">${this.#status}</p>
      ${this.#error ? html`<div class="error" role="alert"><p>${this.#error}</p></div>` : nothing}
      <section aria-labelledby="pending-title">
        <h3 id="pending-title">Pending requests</h3>
        ${this.#pending === undefined ? html`<p>Loading…</p>` : this.#pending.length === 0 ? html`<p>No device is waiting for approval.</p>` : this.#pendingTable(this.#pending)}
      </section>
      <section aria-labelledby="paired-title">
        <h3 id="paired-title">Paired devices</h3>
        ${this.#paired === undefined ? html`<p>Loading…</p>` : this.#paired.length === 0 ? html`<p>No paired device.</p>` : this.#pairedTable(this.#paired)}
      </section>
    `;
  }

  #pendingTable(rows: PendingRequestView[]): TemplateResult {
    return html`<table class="list" id="pending">
      <thead>
        <tr><th scope="col">Device</th><th scope="col">Asks for</th><th scope="col">From</th><th scope="col">Since</th><th scope="col">Request</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
      </thead>
      <tbody>
        ${rows.map(
          (p) => html`<tr data-device=${p.deviceId}>
            <td>${label(p)}<br /><code class="id">${p.deviceId.slice(0, 16)}</code></td>
            <td>${p.role ?? 'operator'} ${(p.scopes ?? []).join(', ')}</td>
            <td>${p.remoteIp ?? '—'}</td>
            <td>${formatTime(p.ts)}</td>
            <td><code>${p.requestId.slice(0, 8)}</code></td>
            <td class="actions">
              <button type="button" @click=${() => this.#approve(p)} aria-label="Approve ${label(p)}">Approve</button>
              <button type="button" class="danger" @click=${() => void this.#reject(p)} aria-label="Reject ${label(p)}">Reject</button>
            </td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  #pairedTable(rows: PairedDeviceView[]): TemplateResult {
    const me = this.#conn?.identity.deviceId;
    return html`<table class="list" id="paired">
      <thead>
        <tr><th scope="col">Device</th><th scope="col">Roles and scopes</th><th scope="col">Token</th><th scope="col">Last seen</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
      </thead>
      <tbody>
        ${rows.map((d) => {
          const active = (d.tokens ?? []).filter((t) => t.revokedAtMs === undefined);
          return html`<tr data-device=${d.deviceId}>
            <td>${label(d)}${d.deviceId === me ? html` <strong>(this browser)</strong>` : nothing}<br /><code class="id">${d.deviceId.slice(0, 16)}</code></td>
            <td>${d.roles.join(', ')}: ${d.scopes.join(', ')}</td>
            <td>${active.length === 0 ? 'none active' : active.map((t) => html`<code>${t.fingerprint ?? 'awaiting delivery'}</code> `)}</td>
            <td>${formatTime(d.lastSeenAtMs)}</td>
            <td class="actions"><button type="button" class="danger" @click=${() => void this.#remove(d)} aria-label="Remove ${label(d)}">Remove</button></td>
          </tr>`;
        })}
      </tbody>
    </table>`;
  }
}

customElements.define('cg-devices', DevicesPage);
