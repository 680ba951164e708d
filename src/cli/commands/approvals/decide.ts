import { CLI_LOCAL_ACTOR, allowlistView, approvalView, resolveApproval } from '../../../approvals/operations.js';
import { execApprovalResolve, type ApprovalDecision } from '../../../protocol/methods/exec-approvals.js';
import type { ResultOf } from '../../../protocol/methods/index.js';
import type { CliContext } from '../../context.js';
import { withGateway } from '../../gateway-call.js';
import { withPairingAccess } from '../../local-fallback.js';
import { commandText, label } from './list.js';

/** What approve and deny print and return. */
export type Resolved = ResultOf<typeof execApprovalResolve>;

/** exec.approval.resolve over RPC, or on the store (as cli-local) when the gateway is down or refuses this CLI. */
export function resolveViaCli(c: CliContext, id: string, decision: ApprovalDecision): Promise<Resolved> {
  return withPairingAccess<Resolved>(
    c,
    (target) => withGateway(c, [execApprovalResolve], (client) => client.call(execApprovalResolve, { id, decision }), target),
    (store) => {
      const out = resolveApproval(store, id, decision, CLI_LOCAL_ACTOR, Date.now());
      return { approval: approvalView(out.approval), ...(out.allowlisted ? { allowlisted: allowlistView(out.allowlisted) } : {}) };
    },
  );
}

/** One line: what was decided, for which command, by whom, and what happens next. */
export function describeResolved(r: Resolved): string {
  const a = r.approval;
  const what = `${commandText(a.command)} (agent ${label(a.agentId)}, session ${label(a.sessionKey)}, request ${a.id.slice(0, 8)})`;
  const by = a.decidedBy ? `, decided by ${label(a.decidedBy)}` : '';
  if (a.status === 'denied') return `Denied ${what}${by}; the command does not run and the agent is told so`;
  const once = `Allowed ${what} once${by}; the waiting run goes on`;
  if (a.status !== 'allowed-always') return once;
  const p = r.allowlisted;
  return p
    ? `Allowed ${what}${by}; ${commandText(p.pattern)} is on agent ${label(p.agentId)}'s allowlist from now on (undo: clawgate approvals allowlist remove ${JSON.stringify(p.pattern)} --agent ${label(p.agentId)})`
    : once;
}
