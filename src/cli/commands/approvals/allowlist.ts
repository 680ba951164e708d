import type { Command } from 'commander';
import { addAllowlistPattern, CLI_LOCAL_ACTOR, listAllowlist, removeAllowlistPattern } from '../../../approvals/operations.js';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { execApprovalsAllowlistAdd, execApprovalsAllowlistList, execApprovalsAllowlistRemove } from '../../../protocol/methods/exec-approvals.js';
import type { CliContext } from '../../context.js';
import { withGateway } from '../../gateway-call.js';
import { withPairingAccess } from '../../local-fallback.js';
import { ago, formatTable } from '../../table.js';
import { commandText, label } from './list.js';

const agentText = (agentId: string) => (agentId === '*' ? 'every agent' : `agent ${label(agentId)}`);

async function list(c: CliContext, agentId: string | undefined, json: boolean): Promise<void> {
  const params = agentId !== undefined ? { agentId } : {};
  const result = await withPairingAccess(
    c,
    (target) => withGateway(c, [execApprovalsAllowlistList], (client) => client.call(execApprovalsAllowlistList, params), target),
    (store) => listAllowlist(store, agentId),
  );
  if (json) return c.printJson(result);
  if (result.entries.length === 0) {
    c.io.out(`Stored exec allowlist${agentId !== undefined ? ` of ${agentText(agentId)}` : ''}: none (patterns in tools.exec.allowlist live in config)`);
    return;
  }
  c.io.out(formatTable(['AGENT', 'PATTERN', 'ADDED', 'BY', 'FROM REQUEST'], result.entries.map((e) => [e.agentId, commandText(e.pattern), ago(e.addedAtMs), label(e.addedBy), e.approvalId?.slice(0, 8)])));
  c.io.out('Remove with: clawgate approvals allowlist remove <PATTERN> --agent <AGENT>');
}

async function add(c: CliContext, pattern: string, agentId: string | undefined, json: boolean): Promise<void> {
  const params = { pattern, ...(agentId !== undefined ? { agentId } : {}) };
  const result = await withPairingAccess(
    c,
    // The stored allowlist is the owner's: the methods need operator.admin, which the CLI on this host gets with the gateway token.
    (target) => withGateway(c, [execApprovalsAllowlistAdd], (client) => client.call(execApprovalsAllowlistAdd, params), target),
    (store) => addAllowlistPattern(store, pattern, agentId, CLI_LOCAL_ACTOR, Date.now()),
  );
  if (json) return c.printJson(result);
  const e = result.entry;
  c.io.out(
    result.added
      ? `Added ${commandText(e.pattern)} to the allowlist of ${agentText(e.agentId)}: matching commands run without asking (see docs/approvals.md for what a pattern covers)`
      : `${commandText(e.pattern)} was already on the allowlist of ${agentText(e.agentId)} (added by ${label(e.addedBy)}); nothing changed`,
  );
}

async function remove(c: CliContext, pattern: string, agentId: string | undefined, json: boolean): Promise<void> {
  const params = { pattern, ...(agentId !== undefined ? { agentId } : {}) };
  const result = await withPairingAccess(
    c,
    (target) => withGateway(c, [execApprovalsAllowlistRemove], (client) => client.call(execApprovalsAllowlistRemove, params), target),
    (store) => removeAllowlistPattern(store, pattern, agentId, CLI_LOCAL_ACTOR, Date.now()),
  );
  if (json) return c.printJson(result);
  c.io.out(`Removed ${commandText(result.entry.pattern)} from the allowlist of ${agentText(result.entry.agentId)}: matching commands ask again`);
}

/** `clawgate approvals allowlist [list | add <pattern> | remove <pattern>] [--agent ID]`. */
export function register(approvals: Command, ctx: () => CliContext): void {
  approvals
    .command('allowlist')
    .description('the stored exec allowlist: list it, add a pattern ("git status" exactly, or "git status *" with any arguments), remove one')
    .argument('[action]', 'list (default), add or remove')
    .argument('[pattern]', 'the pattern to add or remove (quote it)')
    .option('--agent <id>', 'the agent it holds for; * (the default for add and remove) is every agent')
    .option('--json', 'print the result as JSON')
    .action(async (action: string | undefined, pattern: string | undefined, opts: { agent?: string; json?: boolean }) => {
      const c = ctx();
      const json = opts.json === true || c.json;
      const verb = action ?? 'list';
      if (verb === 'list') {
        if (pattern !== undefined) throw new ClawgateError('USAGE', 'allowlist list takes no pattern; use --agent to list one agent\'s entries');
        return list(c, opts.agent, json);
      }
      if (verb !== 'add' && verb !== 'remove') throw new ClawgateError('USAGE', `unknown allowlist action "${label(verb)}": use list, add <pattern> or remove <pattern>`);
      if (pattern === undefined) throw new ClawgateError('USAGE', `give the pattern to ${verb}, quoted: clawgate approvals allowlist ${verb} 'git status *'`);
      return verb === 'add' ? add(c, pattern, opts.agent, json) : remove(c, pattern, opts.agent, json);
    });
}
