import type { Command } from 'commander';
import { listApprovals } from '../../../approvals/operations.js';
import { inert, MAX_DISPLAY_NAME_CHARS } from '../../../protocol/display-text.js';
import { execApprovalList, type ExecApprovalView } from '../../../protocol/methods/exec-approvals.js';
import type { CliContext } from '../../context.js';
import { withGateway } from '../../gateway-call.js';
import { withPairingAccess } from '../../local-fallback.js';
import { ago, formatTable } from '../../table.js';

/** Longest command text shown in a table or a one-line message (the model wrote it; --json has it whole). */
export const MAX_COMMAND_DISPLAY_CHARS = 120;
/** Decided requests shown under the pending ones. */
const RECENT_SHOWN = 10;

export type ApprovalList = { pending: ExecApprovalView[]; recent: ExecApprovalView[] };

/** A command as the model wrote it, inert (no escape code, newline or bidi control acts) and bounded, quoted. */
export function commandText(command: string): string {
  return JSON.stringify(inert(command, MAX_COMMAND_DISPLAY_CHARS));
}

/** A short inert label (agent, session, decider) for one-line messages. */
export function label(text: string): string {
  return inert(text, MAX_DISPLAY_NAME_CHARS);
}

/** "in 9m 58s" until an expiry. */
function expiresIn(atMs: number, nowMs = Date.now()): string {
  const s = Math.max(0, Math.round((atMs - nowMs) / 1000));
  return s >= 60 ? `in ${Math.floor(s / 60)}m ${s % 60}s` : `in ${s}s`;
}

/** exec.approval.list over RPC, or on the store when the gateway is down or refuses this CLI. */
export function fetchApprovals(c: CliContext): Promise<ApprovalList> {
  return withPairingAccess(
    c,
    (target) => withGateway(c, [execApprovalList], (client) => client.call(execApprovalList, {}), target),
    (store) => listApprovals(store, Date.now()),
  );
}

/** Human tables: pending requests with the commands to decide them, then recent decisions (who, how). */
export function renderApprovals(list: ApprovalList): string {
  const out: string[] = [];
  if (list.pending.length === 0) out.push('Pending exec approvals: none');
  else {
    out.push(`Pending exec approvals (${list.pending.length}):`);
    out.push(
      formatTable(
        ['ID', 'AGENT', 'SESSION', 'COMMAND', 'CWD', 'SANDBOX', 'ASKED', 'EXPIRES'],
        list.pending.map((a) => [a.id.slice(0, 8), label(a.agentId), label(a.sessionKey), commandText(a.command), inert(a.cwd, MAX_COMMAND_DISPLAY_CHARS), a.sandboxed ? 'yes' : 'no', ago(a.createdAtMs), expiresIn(a.expiresAtMs)]),
      ),
    );
    out.push('Allow with: clawgate approvals approve <ID> (add --always to allow it from now on); refuse with: clawgate approvals deny <ID>');
  }
  const recent = list.recent.slice(0, RECENT_SHOWN);
  if (recent.length > 0) {
    out.push('', `Recent decisions (${recent.length}):`);
    out.push(formatTable(['ID', 'STATUS', 'AGENT', 'COMMAND', 'BY', 'HOW', 'WHEN'], recent.map((a) => [a.id.slice(0, 8), a.status, label(a.agentId), commandText(a.command), a.decidedBy && label(a.decidedBy), a.how, ago(a.decidedAtMs)])));
  }
  return out.join('\n');
}

/** `clawgate approvals list`. */
export function register(approvals: Command, ctx: () => CliContext): void {
  approvals
    .command('list')
    .description('list exec approval requests waiting for you, and recent decisions (who decided, how)')
    .option('--json', 'print {pending, recent} as JSON')
    .action(async (opts: { json?: boolean }) => {
      const c = ctx();
      const list = await fetchApprovals(c);
      if (opts.json || c.json) c.printJson(list);
      else c.io.out(renderApprovals(list));
    });
}
