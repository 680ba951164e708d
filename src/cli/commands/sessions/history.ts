import type { Command } from 'commander';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { CHAT_HISTORY_DEFAULT_LIMIT, CHAT_HISTORY_MAX_LIMIT, chatHistory, type WireMessage } from '../../../protocol/methods/chat.js';
import type { ResultOf } from '../../../protocol/methods/index.js';
import { inert } from '../../../protocol/display-text.js';
import type { CliContext } from '../../context.js';
import { withRunningGateway } from '../../gateway-required.js';

/** Longest tool argument JSON or tool result text shown on one history line. */
export const HISTORY_TOOL_TEXT_MAX_CHARS = 160;

type HistoryResult = ResultOf<typeof chatHistory>;

/** One line, at most max characters (an ellipsis marks the cut); control characters made visible, never acted on. */
export function clip(text: string, max = HISTORY_TOOL_TEXT_MAX_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return inert(flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`, max);
}

/** ` (120 ms)` / ` (2.4 s)` after a tool result, when its time is known. */
export function tookText(durationMs: number | undefined): string {
  if (durationMs === undefined) return '';
  return durationMs < 1000 ? ` (${Math.round(durationMs)} ms)` : ` (${(durationMs / 1000).toFixed(1)} s)`;
}

/** The lines of one message: `role: text`, `→ tool(args)` per tool call, `← tool: result` for a result. */
export function historyLines(m: WireMessage): string[] {
  const text = m.content
    .filter((b) => b.type === 'text')
    .map((b) => b.text)
    .join('');
  if (m.role === 'toolResult') return [`← ${m.toolName ?? 'tool'}${m.isError ? ' (error)' : ''}${tookText(m.durationMs)}: ${clip(text)}`];
  const lines = text !== '' || m.role === 'user' ? [`${m.role}: ${text}`] : [];
  for (const b of m.content) if (b.type === 'toolCall') lines.push(`→ ${b.name}(${clip(JSON.stringify(b.arguments))})`);
  return lines;
}

/** A session's transcript as text, oldest first. */
export function renderHistory(result: HistoryResult): string {
  if (result.messages.length === 0) return `No messages in ${result.sessionKey}.`;
  return result.messages.flatMap(historyLines).join('\n');
}

function parseLimit(value: string | undefined): number {
  if (value === undefined) return CHAT_HISTORY_DEFAULT_LIMIT;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > CHAT_HISTORY_MAX_LIMIT) throw new ClawgateError('USAGE', `--limit takes 1-${CHAT_HISTORY_MAX_LIMIT}, not "${value}"`);
  return n;
}

/** `clawgate sessions history KEY`. */
export function register(sessions: Command, ctx: () => CliContext): void {
  sessions
    .command('history')
    .description("show a session's transcript (user, assistant, tool calls and results)")
    .argument('<key>', 'session key, e.g. agent:main:main')
    .option('--limit <n>', `how many recent messages (1-${CHAT_HISTORY_MAX_LIMIT}, default ${CHAT_HISTORY_DEFAULT_LIMIT})`)
    .option('--json', 'print {sessionKey, sessionId, messages} as the wire has them')
    .action(async (key: string, opts: { limit?: string; json?: boolean }) => {
      const c = ctx();
      const limit = parseLimit(opts.limit);
      const result = await withRunningGateway(c, [chatHistory], (client) => client.call(chatHistory, { sessionKey: key, limit }));
      if (opts.json || c.json) c.printJson(result);
      else c.io.out(renderHistory(result));
    });
}
