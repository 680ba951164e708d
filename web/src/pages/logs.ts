import { LitElement, html, nothing, type TemplateResult } from 'lit';
import type { ClawgateError } from '../../../src/protocol/error-catalogue.js';
import { logsTail } from '../../../src/protocol/methods/logs.js';
import type { GatewayConnection } from '../gateway-connection.js';
import { visibleText } from '../format.js';

/** How often the tail asks for new lines while the page is open and visible. */
const POLL_MS = 1_500;
/** Lines the page keeps (the oldest go first). */
const MAX_LINES = 1_000;
/** Lines read when the page opens or the level changes. */
const FIRST_LIMIT = 200;
/** Longest text of one line shown. */
const MAX_LINE_CHARS = 4_000;

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];
/** pino's level numbers. */
const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const HEAD_KEYS = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

interface Line {
  n: number;
  level: string;
  time: string;
  text: string;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function levelName(entry: Record<string, unknown>): string {
  const l = entry['level'];
  if (typeof l === 'number') return LEVEL_NAMES[l] ?? String(l);
  return typeof l === 'string' ? l : 'info';
}

function timeText(entry: Record<string, unknown>): string {
  const raw = entry['time'];
  const ms = typeof raw === 'number' ? raw : typeof raw === 'string' ? Date.parse(raw) : NaN;
  if (!Number.isFinite(ms)) return '--:--:--.---';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

function valueText(key: string, value: unknown): string {
  if (key === 'err' && typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string') value = (value as { message: string }).message;
  if (typeof value === 'string') return /^[^\s"=\\]{1,200}$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

/** `message key=value ...`, as `clawgate logs` prints it; shown as text with control and bidi characters marked. */
function lineText(entry: Record<string, unknown>): string {
  let text = typeof entry['msg'] === 'string' ? entry['msg'] : '';
  for (const [k, v] of Object.entries(entry)) if (!HEAD_KEYS.has(k)) text += ` ${k}=${valueText(k, v)}`;
  const shown = visibleText(text);
  return shown.length > MAX_LINE_CHARS ? `${shown.slice(0, MAX_LINE_CHARS - 1)}…` : shown;
}

/**
 * Logs: the gateway's log (logs.tail, already redacted by the gateway), followed with its cursor every
 * 1.5 s while the page is open and the tab visible; the level filter is the method's own `level` (that level
 * and above). Newest at the bottom, at most 1000 lines. Log lines carry what others sent: text only.
 */
export class LogsPage extends LitElement {
  #conn: GatewayConnection | undefined;
  #lines: Line[] = [];
  #n = 0;
  #cursor: string | undefined;
  #level: Level = 'info';
  #paused = false;
  #error: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped on each restart of the tail: an answer to an older request is dropped. */
  #gen = 0;
  #inFlight = false;
  #stick = true;
  #onVisibility = () => {
    if (document.visibilityState === 'visible') this.#schedule(0);
    else clearTimeout(this.#timer);
  };

  set conn(conn: GatewayConnection | undefined) {
    if (conn === this.#conn) return;
    this.#conn = conn;
    this.#restart();
  }

  override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.#onVisibility);
    if (this.#conn) this.#restart();
  }

  override disconnectedCallback(): void {
    document.removeEventListener('visibilitychange', this.#onVisibility);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#gen++;
    super.disconnectedCallback();
  }

  #restart(): void {
    this.#gen++;
    this.#inFlight = false;
    this.#cursor = undefined;
    this.#lines = [];
    this.#stick = true;
    this.requestUpdate();
    this.#schedule(0);
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.isConnected || this.#paused || document.visibilityState !== 'visible') return;
    this.#timer = setTimeout(() => void this.#poll(), ms);
  }

  async #poll(): Promise<void> {
    const conn = this.#conn;
    if (!conn || this.#inFlight) return;
    const gen = this.#gen;
    this.#inFlight = true;
    try {
      const r = await conn.call(logsTail, { level: this.#level, ...(this.#cursor === undefined ? { limit: FIRST_LIMIT } : { cursor: this.#cursor, limit: MAX_LINES }) });
      if (gen !== this.#gen) return;
      this.#cursor = r.cursor;
      this.#error = undefined;
      if (r.lines.length > 0) {
        const box = this.querySelector('#log-lines');
        this.#stick = !box || box.scrollHeight - box.scrollTop - box.clientHeight < 24;
        for (const entry of r.lines) this.#lines.push({ n: this.#n++, level: levelName(entry), time: timeText(entry), text: lineText(entry) });
        if (this.#lines.length > MAX_LINES) this.#lines.splice(0, this.#lines.length - MAX_LINES);
      }
    } catch (err) {
      if (gen !== this.#gen) return;
      this.#error = (err as ClawgateError).message;
    } finally {
      if (gen === this.#gen) this.#inFlight = false;
    }
    this.requestUpdate();
    this.#schedule(POLL_MS);
  }

  override updated(): void {
    const box = this.querySelector('#log-lines');
    if (box && this.#stick) box.scrollTop = box.scrollHeight;
  }

  #setLevel(ev: Event): void {
    this.#level = (ev.target as HTMLSelectElement).value as Level;
    this.#restart();
  }

  #togglePause(): void {
    this.#paused = !this.#paused;
    if (this.#paused) clearTimeout(this.#timer);
    else this.#schedule(0);
    this.requestUpdate();
  }

  override render(): TemplateResult {
    return html`
      <h2>Logs</h2>
      <p class="muted">The gateway's log, redacted by the gateway, followed live while this page is open (${this.#paused ? 'paused' : `every ${POLL_MS / 1000} s`}). Newest at the bottom; the last ${MAX_LINES} lines are kept.</p>
      <div class="log-controls">
        <label for="log-level">Level</label>
        <select id="log-level" @change=${(ev: Event) => this.#setLevel(ev)}>
          ${LEVELS.map((l) => html`<option value=${l} ?selected=${this.#level === l}>${l} and above</option>`)}
        </select>
        <button type="button" @click=${() => this.#togglePause()}>${this.#paused ? 'Resume' : 'Pause'}</button>
        <span class="muted" data-count>${this.#lines.length === 1 ? '1 line' : `${this.#lines.length} lines`}</span>
      </div>
      ${this.#error ? html`<div class="error" role="alert"><p>${this.#error}</p></div>` : nothing}
      <div class="log-box" id="log-lines" role="log" tabindex="0" aria-label="Gateway log lines">
        ${this.#lines.length === 0
          ? html`<p class="muted">No log lines at ${this.#level} or above yet.</p>`
          : html`<ol class="log">
              ${this.#lines.map((l) => html`<li data-level=${l.level}><span class="log-time">${l.time}</span> <span class="log-level lvl-${l.level}">${l.level.toUpperCase()}</span> <span class="log-text">${l.text}</span></li>`)}
            </ol>`}
      </div>
    `;
  }
}

customElements.define('cg-logs', LogsPage);
