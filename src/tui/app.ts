import { randomUUID } from 'node:crypto';
import { Editor, matchesKey, TUI, type SelectItem, type Terminal } from '@mariozechner/pi-tui';
import type { AgentEventPayload, ChatEventPayload } from '../agents/runtime-api.js';
import type { ClientOptions } from '../client/gateway-client.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import type { EventFrame } from '../protocol/frames.js';
import { chatHistory, chatSend, chatAbort } from '../protocol/methods/chat.js';
import { agentsList } from '../protocol/methods/agent.js';
import { devicePairList } from '../protocol/methods/device-pair.js';
import { execApprovalList, execApprovalResolve, type ApprovalDecision, type ExecApprovalRequestedEvent, type ExecApprovalResolvedEvent } from '../protocol/methods/exec-approvals.js';
import { modelsList } from '../protocol/methods/models.js';
import { sessionsList } from '../protocol/methods/sessions.js';
import { mainSessionKey, parseSessionKey } from '../protocol/session-key.js';
import type { TuiActions } from './actions.js';
import { ChatLog } from './chat-log.js';
import { TuiConnection } from './connection.js';
import { Picker } from './picker.js';
import { runCommand } from './commands.js';
import { Screen, type ScreenState } from './screen.js';
import { SessionView } from './session-view.js';
import { parseInput, SlashCompletion, type SlashName } from './slash-commands.js';
import type { Theme } from './theme.js';

/** Transcript messages loaded when a session is shown. */
export const TUI_HISTORY_LIMIT = 500;
/** Two Ctrl+C presses within this long exit. */
export const DOUBLE_CTRL_C_MS = 2_000;
/** How long a one-off hint stays on the status line. */
export const HINT_MS = 3_000;

/** What the TUI is started with. */
export interface TuiOptions {
  readonly client: ClientOptions;
  /** The gateway as the header names it. */
  readonly gatewayLabel: string;
  readonly agentId?: string | undefined;
  readonly sessionKey?: string | undefined;
  /** Sent once, as soon as the session is shown. */
  readonly message?: string | undefined;
  readonly terminal: Terminal;
  readonly theme: Theme;
  /** Puts an error in the owner's terms (the CLI's token sources and commands). */
  readonly explain?: (err: unknown) => unknown;
  /** Called once when the TUI has stopped and restored the terminal. */
  readonly onExit: (code: number) => void;
}

/** The error text, for the log and status line. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * `clawgate tui`: a chat screen on one session of one agent, a paired device like any other. It holds one
 * connection, shows the session's transcript and what streams into it, and lets the owner answer exec
 * approvals and pairing requests in place.
 */
export class TuiApp implements TuiActions {
  readonly tui: TUI;
  readonly log: ChatLog;
  readonly editor: Editor;
  readonly state: ScreenState;
  readonly view: SessionView;
  readonly conn: TuiConnection;
  readonly theme: Theme;
  #defaultAgent = 'main';
  #message: string | undefined;
  #ctrlCAt = 0;
  #ticker: NodeJS.Timeout | undefined;
  #hintTimer: NodeJS.Timeout | undefined;
  #completions = new Map<SlashName, SelectItem[]>();
  #exited = false;
  #connectedOnce = false;

  constructor(private readonly opts: TuiOptions) {
    this.theme = opts.theme;
    this.tui = new TUI(opts.terminal);
    this.log = new ChatLog(this.theme);
    this.editor = new Editor(this.tui, this.theme.editor, { paddingX: 1 });
    this.editor.setAutocompleteProvider(new SlashCompletion((name) => this.#completions.get(name) ?? []));
    this.#message = opts.message;
    const requested = opts.sessionKey ?? (opts.agentId ? mainSessionKey(opts.agentId) : 'main');
    this.state = { gateway: opts.gatewayLabel, agentId: opts.agentId ?? '…', sessionKey: requested, connection: 'connecting', pendingApprovals: 0, pendingDevices: 0 };
    this.view = new SessionView(this.log, requested);
    this.tui.addChild(new Screen(this.state, this.log, this.editor, this.theme, () => opts.terminal.rows));
    this.tui.setFocus(this.editor);
    this.tui.addInputListener((data) => (this.#onKey(data) ? { consume: true } : undefined));
    this.editor.onSubmit = (text) => void this.#submit(text);
    this.conn = new TuiConnection(opts.client, opts.explain);
    this.conn.on('connected', () => void this.#onConnected());
    this.conn.on('lost', (code: number, reason: string) => this.#onLost(code, reason));
    this.conn.on('retry', (delayMs: number) => {
      this.state.retryAtMs = Date.now() + delayMs;
      this.#tick();
    });
    this.conn.on('stopped', (err: unknown) => this.#onStopped(err));
    this.conn.on('failed', (err: unknown) => this.#onFailed(err));
    this.conn.on('limited', (err: unknown, scopes: readonly string[]) => {
      this.view.note(`${errorText(err)}\nUntil the owner approves, this TUI connects with ${scopes.join(', ')}: chat works; answering approvals, /devices and /reset need the wider scopes.`, 'warn');
      this.render();
    });
    this.conn.on('event', (f: EventFrame) => this.#onEvent(f));
  }

  start(): void {
    this.tui.start();
    this.conn.start();
  }

  /** Re-render soon (coalesced by the renderer). */
  render(): void {
    this.tui.requestRender();
  }

  /** A hint on the status line for a few seconds. */
  hint(text: string): void {
    this.state.hint = text;
    clearTimeout(this.#hintTimer);
    this.#hintTimer = setTimeout(() => {
      this.state.hint = undefined;
      this.render();
    }, HINT_MS);
    this.render();
  }

  /** Stop, give the terminal back, and report the exit code. */
  exit(code = 0): void {
    if (this.#exited) return;
    this.#exited = true;
    clearInterval(this.#ticker);
    clearTimeout(this.#hintTimer);
    this.conn.stop();
    this.tui.stop();
    this.opts.onExit(code);
  }

  // The countdown on the status line needs a timer only while a reconnect is scheduled (idle costs nothing).
  #tick(): void {
    clearInterval(this.#ticker);
    this.render();
    this.#ticker = setInterval(() => {
      if (this.state.connection !== 'reconnecting') return clearInterval(this.#ticker);
      this.render();
    }, 1000);
  }

  async #onConnected(): Promise<void> {
    this.state.connection = 'connected';
    this.state.retryAtMs = undefined;
    this.state.lastError = undefined;
    clearInterval(this.#ticker);
    if (this.#connectedOnce) this.view.note('reconnected; the transcript was reloaded');
    this.#connectedOnce = true;
    try {
      const agents = await this.conn.call(agentsList, undefined);
      this.#defaultAgent = agents.defaultId;
      this.#completions.set('agent', agents.agents.map((a) => ({ value: a.id, label: a.id, ...(a.name ? { description: a.name } : {}) })));
      const parsed = parseSessionKey(this.view.sessionKey, agents.defaultId);
      this.view.sessionKey = parsed.key;
      this.state.sessionKey = parsed.key;
      this.state.agentId = parsed.agentId;
      await this.reloadSession();
      await this.#loadPending();
      void this.#loadCompletions();
      if (this.#message !== undefined) {
        const m = this.#message;
        this.#message = undefined;
        await this.send(m);
      }
    } catch (err) {
      this.view.note(`could not load the session: ${errorText(err)}`, 'error');
    }
    this.render();
  }

  #onLost(code: number, reason: string): void {
    this.state.connection = 'reconnecting';
    this.view.connectionLost();
    this.view.note(`connection lost (${code}${reason ? `: ${reason}` : ''}); reconnecting`, 'warn');
    this.render();
  }

  #onFailed(err: unknown): void {
    const text = errorText(err);
    this.state.connection = 'reconnecting';
    // Said once in the log (a gateway that stays down would fill it); the status line keeps it current.
    if (text !== this.state.lastError) this.view.note(text, 'warn');
    this.state.lastError = text;
    this.render();
  }

  #onStopped(err: unknown): void {
    clearInterval(this.#ticker);
    this.state.connection = 'stopped';
    this.state.stoppedReason = errorText(err);
    this.view.note(`${errorText(err)}\nThe TUI stopped trying. Fix the cause above, then run clawgate tui again (/exit or Ctrl+C twice leaves).`, 'error');
    this.render();
  }

  /** Load the session's transcript and its footer figures. */
  async reloadSession(): Promise<void> {
    const h = await this.conn.call(chatHistory, { sessionKey: this.view.sessionKey, limit: TUI_HISTORY_LIMIT });
    this.view.loadHistory(h.messages);
    await this.refreshFooter();
    this.render();
  }

  /** The model and token counts of this session (sessions.list's row, or the defaults before its first run). */
  async refreshFooter(): Promise<void> {
    const list = await this.conn.call(sessionsList, { agentId: this.state.agentId });
    const row = list.sessions.find((s) => s.key === this.view.sessionKey);
    this.state.model = row?.model ? `${row.modelProvider ? `${row.modelProvider}/` : ''}${row.model}` : list.defaults.model;
    this.state.inputTokens = row?.inputTokens;
    this.state.outputTokens = row?.outputTokens;
    this.#completions.set('session', list.sessions.map((s) => ({ value: s.key, label: s.key, description: `${s.messageCount} messages${s.label ? ` · ${s.label}` : ''}` })));
  }

  async #loadPending(): Promise<void> {
    const approvals = await this.conn.call(execApprovalList, undefined).catch(() => undefined);
    for (const a of approvals?.pending ?? []) this.view.approvalRequested(a);
    this.state.pendingApprovals = this.view.pendingApprovals.length;
    const devices = await this.conn.call(devicePairList, undefined).catch(() => undefined);
    this.state.pendingDevices = devices?.pending.length ?? 0;
  }

  async #loadCompletions(): Promise<void> {
    const models = await this.conn.call(modelsList, undefined).catch(() => undefined);
    if (models) this.#completions.set('model', models.models.map((m) => ({ value: `${m.provider}/${m.id}`, label: `${m.provider}/${m.id}`, description: m.name })));
  }

  /** Switch to another session (and its agent). */
  async switchSession(key: string): Promise<void> {
    const parsed = parseSessionKey(key, this.#defaultAgent);
    this.view.switchTo(parsed.key);
    this.state.sessionKey = parsed.key;
    this.state.agentId = parsed.agentId;
    this.state.runningRunId = undefined;
    this.log.scrollToBottom();
    this.state.scrolledUp = false;
    await this.reloadSession();
  }

  /** Send a chat message into the session. */
  async send(text: string): Promise<void> {
    const runId = randomUUID();
    this.view.sent(text, runId);
    this.state.runningRunId = runId;
    this.log.scrollToBottom();
    this.state.scrolledUp = false;
    this.render();
    try {
      await this.conn.call(chatSend, { sessionKey: this.view.sessionKey, message: text, idempotencyKey: runId });
    } catch (err) {
      this.view.sendFailed(runId, errorText(err));
      this.state.runningRunId = this.view.runningRunId;
    }
    this.render();
  }

  /** Abort the session's run. */
  async abort(): Promise<void> {
    if (this.view.runningRunId === undefined) {
      this.hint('nothing is running');
      return;
    }
    const r = await this.conn.call(chatAbort, { sessionKey: this.view.sessionKey });
    if (!r.aborted) this.hint('the run had already ended');
  }

  /** Answer the oldest pending approval (or the one named). */
  async resolveApproval(decision: ApprovalDecision, id?: string): Promise<void> {
    const pending = this.view.pendingApprovals;
    const target = id !== undefined ? pending.find((a) => a.id.startsWith(id)) : pending[0];
    if (!target) {
      this.hint('no approval is waiting');
      return;
    }
    try {
      await this.conn.call(execApprovalResolve, { id: target.id, decision });
    } catch (err) {
      this.view.note(`could not answer approval ${target.id}: ${errorText(err)}`, 'error');
    }
    this.render();
  }

  /** Show a picker overlay; resolves to the picked value, or undefined on Esc. */
  pick(title: string, items: readonly SelectItem[]): Promise<string | undefined> {
    if (items.length === 0) {
      this.hint(`nothing to pick: ${title}`);
      return Promise.resolve(undefined);
    }
    return new Promise((resolve) => {
      const picker = new Picker(title, items, this.theme);
      const handle = this.tui.showOverlay(picker, { anchor: 'bottom-center', width: '100%', offsetY: -2, maxHeight: '80%' });
      const done = (v: string | undefined) => {
        handle.hide();
        this.tui.setFocus(this.editor);
        this.render();
        resolve(v);
      };
      picker.onPick = (item) => done(item.value);
      picker.onCancel = () => done(undefined);
    });
  }

  async #submit(raw: string): Promise<void> {
    const input = parseInput(raw);
    if (input.kind === 'empty') return;
    this.editor.addToHistory(raw);
    if (input.kind === 'unknown-command') {
      this.view.note(`unknown command /${input.name}: /help lists them (start with // to send a message that begins with /)`, 'warn');
      this.render();
      return;
    }
    try {
      if (input.kind === 'message') {
        if (this.state.connection !== 'connected') throw new ClawgateError('GATEWAY_CLOSED', 'not connected; the message was not sent (it is in the input history: Up brings it back)');
        await this.send(input.text);
      } else await runCommand(this, input.name, input.args);
    } catch (err) {
      this.view.note(errorText(err), 'error');
    }
    this.state.pendingApprovals = this.view.pendingApprovals.length;
    this.render();
  }

  /** Keys the whole screen handles before the input; true when consumed. */
  #onKey(data: string): boolean {
    if (matchesKey(data, 'ctrl+c')) {
      const now = Date.now();
      if (now - this.#ctrlCAt <= DOUBLE_CTRL_C_MS) {
        this.exit(0);
        return true;
      }
      this.#ctrlCAt = now;
      this.editor.setText('');
      this.hint('press Ctrl+C again to exit');
      return true;
    }
    if (this.tui.hasOverlay()) return false;
    if (matchesKey(data, 'escape') && !this.editor.isShowingAutocomplete()) {
      void this.abort().catch((err) => this.view.note(`abort failed: ${errorText(err)}`, 'error'));
      return true;
    }
    if (matchesKey(data, 'ctrl+o')) {
      this.log.toggleExpanded();
      this.render();
      return true;
    }
    if (matchesKey(data, 'pageUp') || matchesKey(data, 'pageDown')) {
      const page = Math.max(1, this.opts.terminal.rows - 8);
      this.log.scrollBy(matchesKey(data, 'pageUp') ? page : -page);
      this.state.scrolledUp = this.log.scrolledUp;
      this.render();
      return true;
    }
    if (this.editor.getText() === '' && this.view.pendingApprovals.length > 0) {
      const decision: ApprovalDecision | undefined = data === 'y' ? 'allow-once' : data === 'a' ? 'allow-always' : data === 'n' ? 'deny' : undefined;
      if (decision) {
        void this.resolveApproval(decision);
        return true;
      }
    }
    return false;
  }

  #onEvent(f: EventFrame): void {
    const p = f.payload;
    switch (f.event) {
      case 'chat': {
        const out = this.view.onChat(p as ChatEventPayload);
        if (out.foreignRun) void this.#showStarter();
        if (out.ended) void this.refreshFooter().then(() => this.render(), () => undefined);
        break;
      }
      case 'agent': {
        const out = this.view.onAgent(p as AgentEventPayload);
        if (out.foreignRun) void this.#showStarter();
        break;
      }
      case 'exec.approval.requested':
        this.view.approvalRequested(p as ExecApprovalRequestedEvent);
        break;
      case 'exec.approval.resolved':
        this.view.approvalResolved(p as ExecApprovalResolvedEvent, (p as ExecApprovalResolvedEvent).resolvedBy === this.opts.client.identity?.deviceId);
        break;
      case 'device.pair.requested': {
        const d = p as { requestId?: string; displayName?: string; platform?: string; deviceId?: string; role?: string; remoteIp?: string };
        this.state.pendingDevices++;
        this.view.note(`a device asks to pair: ${d.displayName ?? d.deviceId?.slice(0, 12) ?? 'unknown'}${d.platform ? ` (${d.platform})` : ''}${d.remoteIp ? ` from ${d.remoteIp}` : ''} as ${d.role ?? 'operator'}: /devices approve ${d.requestId ?? ''}`.trimEnd(), 'warn');
        break;
      }
      case 'device.pair.resolved':
        void this.conn.call(devicePairList, undefined).then(
          (r) => {
            this.state.pendingDevices = r.pending.length;
            this.render();
          },
          () => undefined,
        );
        break;
      case 'shutdown':
        this.view.note('the gateway is shutting down', 'warn');
        break;
      default:
        return;
    }
    this.state.runningRunId = this.view.runningRunId;
    this.state.pendingApprovals = this.view.pendingApprovals.length;
    this.render();
  }

  async #showStarter(): Promise<void> {
    const h = await this.conn.call(chatHistory, { sessionKey: this.view.sessionKey, limit: 5 }).catch(() => undefined);
    if (h) this.view.showStarter(h.messages);
    this.render();
  }
}
