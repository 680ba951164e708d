import { implement, type Caller, type MethodImpl } from '../protocol/methods/define.js';
import { execApprovalList, execApprovalResolve, execApprovalsAllowlistAdd, execApprovalsAllowlistList, execApprovalsAllowlistRemove } from '../protocol/methods/exec-approvals.js';
import type { Store } from '../store/store.js';
import type { ApprovalService } from './approval-service.js';
import { addAllowlistPattern, allowlistView, approvalView, listAllowlist, listApprovals, removeAllowlistPattern, type ApprovalActor } from './operations.js';

/** The deciding actor of an RPC call: its device (so the audit names who), else its connection label. */
export function actorOf(caller: Caller): ApprovalActor {
  return caller.deviceId ? { label: caller.deviceId, deviceId: caller.deviceId } : { label: caller.label };
}

/** exec.approval.* (operator.approvals) and exec.approvals.allowlist.* (operator.admin): thin bindings of the operations the CLI fallback also uses. */
export function approvalMethods(store: Store, service: Pick<ApprovalService, 'resolve'>): readonly MethodImpl[] {
  return [
    implement(execApprovalList, (p) => listApprovals(store, Date.now(), p?.limit)),
    implement(execApprovalResolve, (p, { caller }) => {
      // Through the service, so a run waiting in this process wakes at once.
      const outcome = service.resolve(p.id, p.decision, actorOf(caller));
      return { approval: approvalView(outcome.approval), ...(outcome.allowlisted ? { allowlisted: allowlistView(outcome.allowlisted) } : {}) };
    }),
    implement(execApprovalsAllowlistList, (p) => listAllowlist(store, p?.agentId)),
    implement(execApprovalsAllowlistAdd, (p, { caller }) => addAllowlistPattern(store, p.pattern, p.agentId, actorOf(caller), Date.now())),
    implement(execApprovalsAllowlistRemove, (p, { caller }) => removeAllowlistPattern(store, p.pattern, p.agentId, actorOf(caller), Date.now())),
  ];
}
