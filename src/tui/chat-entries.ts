import type { WireMessage } from '../protocol/methods/chat.js';

/** The first line of a sub-agent's report as the runtime announces it into the requester's session. */
export const REPORT_PREFIX = '[sub-agent report]';

/** A tool call as a card: what was asked, how it ended. */
export interface ToolEntry {
  readonly kind: 'tool';
  readonly id: string;
  readonly name: string;
  readonly args: unknown;
  readonly state: 'running' | 'waiting-approval' | 'ok' | 'error';
  readonly result?: string;
  readonly durationMs?: number;
  readonly approvalId?: string;
}

/** An exec approval the owner can answer from the screen. */
export interface ApprovalEntry {
  readonly kind: 'approval';
  readonly id: string;
  readonly command: string;
  readonly cwd: string;
  readonly agentId: string;
  readonly sessionKey: string;
  readonly sandboxed: boolean;
  readonly expiresAtMs: number;
  /** pending, or how it ended and by whom. */
  readonly outcome?: string;
}

/** One block of the chat log. Entries are immutable: a change is a new object (the renderer caches by identity). */
export type ChatEntry =
  | { readonly kind: 'user'; readonly text: string; readonly pending?: boolean }
  | { readonly kind: 'assistant'; readonly text: string; readonly streaming?: boolean }
  | { readonly kind: 'report'; readonly text: string }
  | { readonly kind: 'system'; readonly text: string; readonly tone: 'info' | 'warn' | 'error' }
  | ToolEntry
  | ApprovalEntry;

function textOf(m: WireMessage): string {
  return m.content
    .filter((b) => b.type === 'text')
    .map((b) => (b as { text: string }).text)
    .join('');
}

/**
 * A transcript (chat.history, oldest first) as chat entries: user and assistant text, a sub-agent's report
 * as its own card, and each tool call as one card that its result completes. A result whose call is not in
 * the window (history is cut from the front) becomes a card of its own.
 */
export function entriesFromHistory(messages: readonly WireMessage[]): ChatEntry[] {
  const out: ChatEntry[] = [];
  const toolAt = new Map<string, number>();
  for (const m of messages) {
    const text = textOf(m);
    if (m.role === 'user') {
      out.push(text.startsWith(REPORT_PREFIX) ? { kind: 'report', text } : { kind: 'user', text });
      continue;
    }
    if (m.role === 'assistant') {
      if (text.trim() !== '') out.push({ kind: 'assistant', text });
      for (const b of m.content) {
        if (b.type !== 'toolCall') continue;
        toolAt.set(b.id, out.length);
        out.push({ kind: 'tool', id: b.id, name: b.name, args: b.arguments, state: 'running' });
      }
      continue;
    }
    const done = { state: m.isError === true ? ('error' as const) : ('ok' as const), result: text, ...(m.durationMs !== undefined ? { durationMs: m.durationMs } : {}) };
    const at = m.toolCallId !== undefined ? toolAt.get(m.toolCallId) : undefined;
    const call = at !== undefined ? out[at] : undefined;
    if (at !== undefined && call?.kind === 'tool') out[at] = { ...call, ...done };
    else out.push({ kind: 'tool', id: m.toolCallId ?? '', name: m.toolName ?? 'tool', args: {}, ...done });
  }
  return out;
}

/** The parts of a report's text: its title line, the status line, and the result body. */
export function reportParts(text: string): { title: string; meta: string[]; body: string } {
  const lines = text.split('\n');
  const title = lines[0] ?? REPORT_PREFIX;
  const meta: string[] = [];
  let i = 1;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === 'result:' || line === 'error:') {
      i++;
      break;
    }
    meta.push(line);
  }
  return { title, meta, body: lines.slice(i).join('\n') };
}
