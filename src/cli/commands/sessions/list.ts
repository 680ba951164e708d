import type { Command } from 'commander';
import type { ResultOf } from '../../../protocol/methods/index.js';
import type { CliContext } from '../../context.js';
import { withRunningGateway } from '../../gateway-required.js';
import { ago, formatTable } from '../../table.js';
import { sessionsList } from '../../../protocol/methods/sessions.js';

type SessionsResult = ResultOf<typeof sessionsList>;

/** A table of sessions, most recently active first. */
export function renderSessions(result: SessionsResult, nowMs = Date.now()): string {
  if (result.sessions.length === 0) return 'No sessions yet. Start one with: clawgate agent -m "hello"';
  return formatTable(
    ['KEY', 'AGENT', 'KIND', 'LABEL', 'MESSAGES', 'MODEL', 'UPDATED', 'RUN'],
    result.sessions.map((s) => [s.key, s.agentId, s.kind, s.label, s.messageCount, s.modelProvider && s.model ? `${s.modelProvider}/${s.model}` : s.model, ago(s.updatedAt, nowMs), s.activeRunId?.slice(0, 8)]),
  );
}

/** `clawgate sessions list`. */
export function register(sessions: Command, ctx: () => CliContext): void {
  sessions
    .command('list')
    .description('list sessions, most recently active first')
    .option('--agent <id>', "only this agent's sessions")
    .option('--json', 'print {count, sessions} as the wire has them')
    .action(async (opts: { agent?: string; json?: boolean }) => {
      const c = ctx();
      const params = opts.agent !== undefined ? { agentId: opts.agent } : {};
      const result = await withRunningGateway(c, [sessionsList], (client) => client.call(sessionsList, params));
      if (opts.json || c.json) c.printJson(result);
      else c.io.out(renderSessions(result));
    });
}
