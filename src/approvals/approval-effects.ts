import type { ExecApprovalRequestedEvent, ExecApprovalResolvedEvent } from '../protocol/methods/exec-approvals.js';
import type { AuditEffectTable } from '../store/audit-effect.js';
import type { ExecApprovalRecord } from '../store/exec-approvals.js';
import type { ApprovalService } from './approval-service.js';
import { decisionOf } from './operations.js';

/** The exec.approval.requested payload of a pending request. */
export function requestedEvent(r: ExecApprovalRecord): ExecApprovalRequestedEvent {
  return {
    id: r.id,
    request: { command: r.command, cwd: r.cwd, agentId: r.agentId, sessionKey: r.sessionKey, runId: r.runId, sandboxed: r.sandboxed },
    createdAtMs: r.createdAtMs,
    expiresAtMs: r.expiresAtMs,
  };
}

/** The exec.approval.resolved payload of a decided request. */
export function resolvedEvent(r: ExecApprovalRecord): ExecApprovalResolvedEvent | undefined {
  if (r.status === 'pending') return undefined;
  return { id: r.id, decision: decisionOf(r.status), resolvedBy: r.decidedBy ?? 'gateway', ts: r.decidedAtMs ?? Date.now() };
}

/**
 * Exec approvals on the audit tail: operator events for new requests and their outcome, and the service's wake-up
 * of the waiting run (and its listeners: the Telegram buttons). A decision made by the CLI on the store in
 * another process reaches the run this way, within the watcher's poll interval.
 */
export function approvalEffects(service: Pick<ApprovalService, 'onAuditRow'>): AuditEffectTable {
  return {
    'exec.decided': { logAs: 'exec decided by policy' },
    'exec.approval.requested': {
      logAs: 'exec approval pending',
      run: (e, { store, broadcast }) => {
        const r = e.requestId ? store.execApprovals.get(e.requestId) : undefined;
        // The request as it is now: one decided before this poll is not announced as pending.
        if (r?.status === 'pending') broadcast('exec.approval.requested', requestedEvent(r));
        service.onAuditRow(e);
      },
    },
    'exec.approval.resolved': {
      logAs: 'exec approval resolved',
      run: (e, { store, broadcast }) => {
        const r = e.requestId ? store.execApprovals.get(e.requestId) : undefined;
        const payload = r ? resolvedEvent(r) : undefined;
        if (payload) broadcast('exec.approval.resolved', payload);
        service.onAuditRow(e);
      },
    },
    'exec.allowlist.changed': { logAs: 'exec allowlist changed' },
  };
}
