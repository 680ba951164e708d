import { randomUUID } from 'node:crypto';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { MAX_RECENT_APPROVALS, type AllowlistEntryView, type ApprovalDecision, type ExecApprovalView } from '../protocol/methods/exec-approvals.js';
import type { AuditKind } from '../store/audit.js';
import { EVERY_AGENT, type ExecAllowlistEntry } from '../store/exec-allowlist.js';
import type { ExecApprovalOutcome, ExecApprovalRecord } from '../store/exec-approvals.js';
import type { Store } from '../store/store.js';
import { normalizeCommand, patternProblem } from './allowlist-match.js';
import type { ExecApprovalAsk } from './types.js';

/** Who decides: the audit actor and the request's decidedBy (a device id, `rpc:...`, `cli-local`, `telegram:<id>`). */
export interface ApprovalActor {
  readonly label: string;
  /** The deciding device, when a device decided (kept in the audit row's device column). */
  readonly deviceId?: string | undefined;
}

/** The owner on this host acting on the store directly (the CLI's fallback when the gateway is down). */
export const CLI_LOCAL_ACTOR: ApprovalActor = { label: 'cli-local' };
/** The gateway itself: expiry, a stopped run, a restart. */
export const GATEWAY_ACTOR: ApprovalActor = { label: 'gateway' };

/** Shortest id prefix accepted (a short prefix would too often name the wrong request). */
export const MIN_APPROVAL_PREFIX = 4;

/** Why a pending request ended without the owner: it waited too long, its run stopped, the gateway stopped or restarted. */
export type ExpiryCause = 'timeout' | 'aborted' | 'gateway-stopping' | 'gateway-restart';

const STATUS_OF: Record<ApprovalDecision, ExecApprovalOutcome> = { 'allow-once': 'allowed-once', 'allow-always': 'allowed-always', deny: 'denied' };

/** The wire view of a stored request. */
export function approvalView(r: ExecApprovalRecord): ExecApprovalView {
  return {
    id: r.id,
    agentId: r.agentId,
    sessionKey: r.sessionKey,
    runId: r.runId,
    command: r.command,
    cwd: r.cwd,
    sandboxed: r.sandboxed,
    status: r.status,
    createdAtMs: r.createdAtMs,
    expiresAtMs: r.expiresAtMs,
    ...(r.decidedAtMs !== undefined ? { decidedAtMs: r.decidedAtMs } : {}),
    ...(r.decidedBy !== undefined ? { decidedBy: r.decidedBy } : {}),
    ...(r.how !== undefined ? { how: r.how } : {}),
  };
}

/** The wire view of a stored allowlist entry. */
export function allowlistView(e: ExecAllowlistEntry): AllowlistEntryView {
  return { agentId: e.agentId, pattern: e.pattern, addedAtMs: e.addedAtMs, addedBy: e.addedBy, ...(e.approvalId !== undefined ? { approvalId: e.approvalId } : {}) };
}

/** The decision an outcome stands for on the wire (exec.approval.resolved). */
export function decisionOf(status: ExecApprovalOutcome): ApprovalDecision | 'expired' {
  return status === 'allowed-once' ? 'allow-once' : status === 'allowed-always' ? 'allow-always' : status === 'denied' ? 'deny' : 'expired';
}

function audit(store: Store, kind: AuditKind, actor: ApprovalActor, nowMs: number, r: ExecApprovalRecord | undefined, detail: Record<string, unknown>): void {
  store.audit.append({
    tsMs: nowMs,
    kind,
    actor: actor.label,
    ...(actor.deviceId ? { deviceId: actor.deviceId } : {}),
    ...(r ? { requestId: r.id } : {}),
    detail: r ? { agentId: r.agentId, sessionKey: r.sessionKey, runId: r.runId, command: r.command, ...detail } : detail,
  });
}

/** Record a decision the policy made alone (allowed by security full or the allowlist, refused by deny or ask off). */
export function auditPolicyDecision(store: Store, ask: ExecApprovalAsk, how: string, nowMs: number, pattern?: string): void {
  store.write(() =>
    store.audit.append({
      tsMs: nowMs,
      kind: 'exec.decided',
      actor: GATEWAY_ACTOR.label,
      reason: how,
      detail: { agentId: ask.agentId, sessionKey: ask.sessionKey, runId: ask.runId, command: ask.command, how, ...(pattern !== undefined ? { pattern } : {}) },
    }),
  );
}

/** Store a pending request for the ask, expiring timeoutMs from now, and audit it (the watcher announces it). */
export function requestApproval(store: Store, ask: ExecApprovalAsk, nowMs: number, timeoutMs: number): ExecApprovalRecord {
  return store.write(() => {
    const record = { id: randomUUID(), agentId: ask.agentId, sessionKey: ask.sessionKey, runId: ask.runId, command: ask.command, cwd: ask.cwd, sandboxed: ask.sandboxed, createdAtMs: nowMs, expiresAtMs: nowMs + timeoutMs };
    store.execApprovals.insert(record);
    const stored = store.execApprovals.get(record.id)!;
    audit(store, 'exec.approval.requested', GATEWAY_ACTOR, nowMs, stored, { cwd: ask.cwd, sandboxed: ask.sandboxed, expiresAtMs: stored.expiresAtMs });
    return stored;
  });
}

/** A request by id or unique prefix (of at least MIN_APPROVAL_PREFIX characters), whatever its status. */
export function findApproval(store: Store, idOrPrefix: string): ExecApprovalRecord {
  const exact = store.execApprovals.get(idOrPrefix);
  if (exact) return exact;
  const found = idOrPrefix.length >= MIN_APPROVAL_PREFIX ? store.execApprovals.byPrefix(idOrPrefix) : [];
  if (found.length === 1) return found[0]!;
  if (found.length > 1) throw new ClawgateError('AMBIGUOUS_ID', `approval id prefix "${idOrPrefix}" matches several requests; give more characters`, { id: idOrPrefix });
  throw new ClawgateError('UNKNOWN_APPROVAL', `no exec approval request "${idOrPrefix.slice(0, 64)}"; run clawgate approvals list`, { id: idOrPrefix });
}

/** Move a pending request to expired (audited); false when it was decided already. Runs inside the caller's transaction. */
function expireInTx(store: Store, r: ExecApprovalRecord, cause: ExpiryCause, nowMs: number): boolean {
  if (!store.execApprovals.decide(r.id, { status: 'expired', decidedAtMs: nowMs, decidedBy: GATEWAY_ACTOR.label, how: cause })) return false;
  audit(store, 'exec.approval.resolved', GATEWAY_ACTOR, nowMs, r, { decision: 'expired', how: cause });
  return true;
}

/** End a pending request without the owner; returns the request as it is now (possibly decided by someone first). */
export function expireApproval(store: Store, id: string, cause: ExpiryCause, nowMs: number): ExecApprovalRecord | undefined {
  return store.write(() => {
    const r = store.execApprovals.get(id);
    if (r?.status === 'pending') expireInTx(store, r, cause, nowMs);
    return store.execApprovals.get(id);
  });
}

/** Expire every pending request (the gateway at start: nobody waits for them any more, and none may run later). */
export function expireLeftovers(store: Store, nowMs: number): ExecApprovalRecord[] {
  return store.write(() => store.execApprovals.pending().filter((r) => expireInTx(store, r, 'gateway-restart', nowMs)));
}

/** The outcome of a resolve: the decided request, and the allowlist entry an allow-always added. */
export interface ResolveOutcome {
  readonly approval: ExecApprovalRecord;
  readonly allowlisted?: ExecAllowlistEntry;
}

/**
 * Decide a pending request, as a compare-and-set in one transaction with its audit row (and, for allow-always,
 * the agent's new allowlist entry: the exact command). A second decision is APPROVAL_ALREADY_RESOLVED; a request
 * whose time ran out is expired here (committed) and refused with APPROVAL_EXPIRED.
 */
export function resolveApproval(store: Store, idOrPrefix: string, decision: ApprovalDecision, actor: ApprovalActor, nowMs: number): ResolveOutcome {
  const result = store.write((): ResolveOutcome | { expired: ExecApprovalRecord } => {
    const r = findApproval(store, idOrPrefix);
    if (r.status !== 'pending') {
      throw new ClawgateError(
        'APPROVAL_ALREADY_RESOLVED',
        `exec approval ${r.id} was already decided (${r.status}${r.decidedBy ? ` by ${r.decidedBy}` : ''}${r.how ? `, ${r.how}` : ''}); nothing changed; see clawgate approvals list`,
        { id: r.id, status: r.status, decidedBy: r.decidedBy },
      );
    }
    if (r.expiresAtMs <= nowMs) {
      expireInTx(store, r, 'timeout', nowMs);
      return { expired: store.execApprovals.get(r.id)! };
    }
    store.execApprovals.decide(r.id, { status: STATUS_OF[decision], decidedAtMs: nowMs, decidedBy: actor.label, how: decision });
    let allowlisted: ExecAllowlistEntry | undefined;
    if (decision === 'allow-always') {
      const entry: ExecAllowlistEntry = { agentId: r.agentId, pattern: normalizeCommand(r.command), addedAtMs: nowMs, addedBy: actor.label, approvalId: r.id };
      if (store.execAllowlist.add(entry)) audit(store, 'exec.allowlist.changed', actor, nowMs, undefined, { change: 'added', agentId: entry.agentId, pattern: entry.pattern, approvalId: r.id });
      allowlisted = store.execAllowlist.get(entry.agentId, entry.pattern);
    }
    audit(store, 'exec.approval.resolved', actor, nowMs, r, { decision, how: decision });
    return { approval: store.execApprovals.get(r.id)!, ...(allowlisted ? { allowlisted } : {}) };
  });
  if ('expired' in result) {
    const r = result.expired;
    throw new ClawgateError('APPROVAL_EXPIRED', `exec approval ${r.id} expired (it waited past ${new Date(r.expiresAtMs).toISOString()}); the command did not run; the agent asks again if it retries`, { id: r.id });
  }
  return result;
}

/** exec.approval.list: pending requests (oldest first; overdue ones are expired first) and recent decisions. */
export function listApprovals(store: Store, nowMs: number, limit = 50): { pending: ExecApprovalView[]; recent: ExecApprovalView[] } {
  return store.write(() => {
    for (const r of store.execApprovals.pending()) if (r.expiresAtMs <= nowMs) expireInTx(store, r, 'timeout', nowMs);
    return { pending: store.execApprovals.pending().map(approvalView), recent: store.execApprovals.recent(Math.min(limit, MAX_RECENT_APPROVALS)).map(approvalView) };
  });
}

function checkedPattern(pattern: string): string {
  const problem = patternProblem(pattern);
  if (problem) throw new ClawgateError('INVALID_ALLOWLIST_PATTERN', `${problem}: give an exact command ("git status") or words followed by " *" ("git status *")`, { pattern: pattern.slice(0, 64) });
  return normalizeCommand(pattern);
}

/** Add a pattern to an agent's (or every agent's) stored allowlist, audited; an existing entry is kept as it was. */
export function addAllowlistPattern(store: Store, input: string, agentId: string | undefined, actor: ApprovalActor, nowMs: number): { entry: AllowlistEntryView; added: boolean } {
  const pattern = checkedPattern(input);
  const agent = agentId ?? EVERY_AGENT;
  return store.write(() => {
    const added = store.execAllowlist.add({ agentId: agent, pattern, addedAtMs: nowMs, addedBy: actor.label });
    if (added) audit(store, 'exec.allowlist.changed', actor, nowMs, undefined, { change: 'added', agentId: agent, pattern });
    return { entry: allowlistView(store.execAllowlist.get(agent, pattern)!), added };
  });
}

/** Remove a stored pattern, audited; one that is not stored is UNKNOWN_ALLOWLIST_PATTERN. */
export function removeAllowlistPattern(store: Store, input: string, agentId: string | undefined, actor: ApprovalActor, nowMs: number): { entry: AllowlistEntryView } {
  const pattern = normalizeCommand(input);
  const agent = agentId ?? EVERY_AGENT;
  return store.write(() => {
    const entry = store.execAllowlist.get(agent, pattern);
    if (!entry) {
      throw new ClawgateError('UNKNOWN_ALLOWLIST_PATTERN', `no stored allowlist pattern "${pattern.slice(0, 64)}" for ${agent === EVERY_AGENT ? 'every agent (*)' : `agent ${agent}`}; see clawgate approvals allowlist list`, { pattern: pattern.slice(0, 64), agentId: agent });
    }
    store.execAllowlist.remove(agent, pattern);
    audit(store, 'exec.allowlist.changed', actor, nowMs, undefined, { change: 'removed', agentId: agent, pattern });
    return { entry: allowlistView(entry) };
  });
}

/** exec.approvals.allowlist.list: stored entries of one agent id (exactly), or all. */
export function listAllowlist(store: Store, agentId?: string): { entries: AllowlistEntryView[] } {
  return { entries: store.execAllowlist.list(agentId).map(allowlistView) };
}
