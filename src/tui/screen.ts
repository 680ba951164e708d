import { truncateToWidth, visibleWidth, type Component, type Editor } from '@mariozechner/pi-tui';
import { inert } from '../protocol/display-text.js';
import type { ChatLog } from './chat-log.js';
import { headerParts, type ConnectionPhase } from './first-paint.js';

export type { ConnectionPhase } from './first-paint.js';
import type { Theme } from './theme.js';


/** Everything the header, status line and footer show. */
export interface ScreenState {
  gateway: string;
  agentId: string;
  sessionKey: string;
  connection: ConnectionPhase;
  /** When the next connection attempt starts (reconnecting). */
  retryAtMs?: number;
  /** Why the TUI stopped trying (with the command that fixes it). */
  stoppedReason?: string;
  /** Why the last connection attempt failed (it is retried). */
  lastError?: string;
  /** A run of this session is going (its id). */
  runningRunId?: string;
  /** Exec approvals waiting for the owner. */
  pendingApprovals: number;
  /** Device pairing requests waiting for the owner. */
  pendingDevices: number;
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  /** The log is scrolled up from its end (new output is below). */
  scrolledUp?: boolean;
  /** A one-off hint on the status line (e.g. "press Ctrl+C again to exit"). */
  hint?: string;
}


function fill(text: string, width: number): string {
  const t = truncateToWidth(text, width);
  return t + ' '.repeat(Math.max(0, width - visibleWidth(t)));
}

/** The top bar: gateway, agent, session, and the connection, which is never cut off. */
export function headerLine(s: ScreenState, width: number, theme: Theme): string {
  const { left, right } = headerParts(s);
  const room = Math.max(0, width - visibleWidth(right));
  return theme.bar(fill(truncateToWidth(left, room), room) + truncateToWidth(right, width - room));
}

/** The line above the input: what is happening now, and what the owner can do about it. */
export function statusLine(s: ScreenState, nowMs: number, width: number, theme: Theme): string {
  let text: string;
  if (s.connection === 'stopped') text = theme.error(`stopped: ${s.stoppedReason ?? 'not connected'}`);
  else if (s.connection === 'reconnecting') {
    const secs = s.retryAtMs !== undefined ? Math.max(0, Math.ceil((s.retryAtMs - nowMs) / 1000)) : undefined;
    const what = s.lastError ?? 'connection lost';
    // The countdown first: the cause may be long and is cut at the edge (the log has it whole).
    text = theme.warn(secs !== undefined && secs > 0 ? `reconnecting in ${secs} s: ${what}` : `reconnecting now: ${what}`);
  } else if (s.connection === 'connecting') text = theme.dim(`connecting to ${s.gateway}…`);
  else if (s.pendingApprovals > 0) text = theme.warn(`waiting for approval (${s.pendingApprovals}): y allow once · a allow always · n deny`);
  else if (s.runningRunId !== undefined) text = theme.accent('running… (Esc aborts)');
  else text = theme.dim('ready');
  if (s.pendingDevices > 0) text += theme.warn(`  │  ${s.pendingDevices} device${s.pendingDevices === 1 ? '' : 's'} waiting to pair: /devices`);
  if (s.scrolledUp) text += theme.accent('  │  ↑ scrolled up: PgDn returns');
  if (s.hint) text += theme.dim(`  │  ${s.hint}`);
  return truncateToWidth(` ${text}`, width);
}

/** The bottom bar: agent, session, model and token counts. */
export function footerLine(s: ScreenState, width: number, theme: Theme): string {
  const tokens = s.inputTokens !== undefined || s.outputTokens !== undefined ? `tokens ${s.inputTokens ?? 0} in / ${s.outputTokens ?? 0} out` : 'tokens 0 in / 0 out';
  const text = ` ${inert(s.agentId, 64)} · ${inert(s.sessionKey, 80)} · ${s.model ? inert(s.model, 120) : 'model ?'} · ${tokens} │ /help`;
  return theme.bar(fill(text, width));
}

/**
 * The whole screen, exactly one terminal high: header, chat log, status line, input, footer. The log gets
 * what the others leave, so the input and bars never scroll away.
 */
export class Screen implements Component {
  constructor(
    readonly state: ScreenState,
    private readonly log: ChatLog,
    private readonly editor: Editor,
    private readonly theme: Theme,
    private readonly rows: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  render(width: number): string[] {
    const rows = Math.max(5, this.rows());
    const input = this.editor.render(width);
    // The input may not take the log's last line: at least 1 row of log stays.
    const inputLines = input.slice(Math.max(0, input.length - (rows - 4)));
    const logHeight = Math.max(1, rows - 3 - inputLines.length);
    const lines = [headerLine(this.state, width, this.theme), ...this.log.render(width, logHeight), statusLine(this.state, this.now(), width, this.theme), ...inputLines, footerLine(this.state, width, this.theme)];
    return lines.slice(0, rows).map((l) => truncateToWidth(l, width));
  }

  invalidate(): void {
    this.editor.invalidate();
  }
}
