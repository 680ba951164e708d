import { Type, type Static } from '@sinclair/typebox';
import { defineMethod } from './define.js';

const closed = { additionalProperties: false } as const;
/** An approval id or a unique prefix of one. */
const ApprovalId = Type.String({ minLength: 1, maxLength: 64 });
/** An agent id, or `*` for an allowlist entry that holds for every agent. */
const AgentRef = Type.String({ minLength: 1, maxLength: 64 });
/** An allowlist pattern as the owner wrote it (see docs/approvals.md for what it covers). */
const Pattern = Type.String({ minLength: 1, maxLength: 512 });

/** Most decided requests exec.approval.list returns. */
export const MAX_RECENT_APPROVALS = 200;

/** Where a request stands. */
export const ApprovalStatusSchema = Type.Union([Type.Literal('pending'), Type.Literal('allowed-once'), Type.Literal('allowed-always'), Type.Literal('denied'), Type.Literal('expired')]);

/** An exec approval request as operators see it; the command came from the model (show it inertly). */
export const ExecApprovalSchema = Type.Object({
  id: Type.String(),
  agentId: Type.String(),
  sessionKey: Type.String(),
  runId: Type.String(),
  command: Type.String(),
  cwd: Type.String(),
  sandboxed: Type.Boolean(),
  status: ApprovalStatusSchema,
  createdAtMs: Type.Integer(),
  expiresAtMs: Type.Integer(),
  decidedAtMs: Type.Optional(Type.Integer()),
  /** A device id, `rpc:...`, `cli-local`, `telegram:<user id>`, or `gateway` (expiry, restart). */
  decidedBy: Type.Optional(Type.String()),
  /** allow-once, allow-always, deny, timeout, aborted, gateway-stopping, gateway-restart. */
  how: Type.Optional(Type.String()),
});
/** An exec approval request (wire shape). */
export type ExecApprovalView = Static<typeof ExecApprovalSchema>;

/** A stored exec allowlist entry. */
export const AllowlistEntrySchema = Type.Object({
  agentId: Type.String(),
  pattern: Type.String(),
  addedAtMs: Type.Integer(),
  addedBy: Type.String(),
  approvalId: Type.Optional(Type.String()),
});
/** A stored exec allowlist entry (wire shape). */
export type AllowlistEntryView = Static<typeof AllowlistEntrySchema>;

/** The owner's answer to a request. */
export const ApprovalDecisionSchema = Type.Union([Type.Literal('allow-once'), Type.Literal('allow-always'), Type.Literal('deny')]);
/** The owner's answer to a request. */
export type ApprovalDecision = Static<typeof ApprovalDecisionSchema>;

/** exec.approval.requested: a command waits for the owner. */
export interface ExecApprovalRequestedEvent {
  readonly id: string;
  readonly request: { command: string; cwd: string; agentId: string; sessionKey: string; runId: string; sandboxed: boolean };
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
}

/** exec.approval.resolved: how a request ended, by whom. */
export interface ExecApprovalResolvedEvent {
  readonly id: string;
  readonly decision: ApprovalDecision | 'expired';
  readonly resolvedBy: string;
  readonly ts: number;
}

export const execApprovalList = defineMethod({
  name: 'exec.approval.list',
  summary: 'Pending exec approval requests (oldest first) and recently decided ones (newest first).',
  params: Type.Union([Type.Undefined(), Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_RECENT_APPROVALS })) }, closed)]),
  result: Type.Object({ pending: Type.Array(ExecApprovalSchema), recent: Type.Array(ExecApprovalSchema) }),
  scope: 'operator.approvals',
});

export const execApprovalResolve = defineMethod({
  name: 'exec.approval.resolve',
  summary: 'Allow a pending command once, allow it always (adds it to the agent\'s allowlist), or deny it; the caller is recorded as the decider.',
  params: Type.Object({ id: ApprovalId, decision: ApprovalDecisionSchema }, closed),
  result: Type.Object({ approval: ExecApprovalSchema, allowlisted: Type.Optional(AllowlistEntrySchema) }),
  scope: 'operator.approvals',
});

export const execApprovalsAllowlistList = defineMethod({
  name: 'exec.approvals.allowlist.list',
  summary: 'Stored exec allowlist entries (of one agent id, or all); patterns in tools.exec.allowlist live in config.',
  params: Type.Union([Type.Undefined(), Type.Object({ agentId: Type.Optional(AgentRef) }, closed)]),
  result: Type.Object({ entries: Type.Array(AllowlistEntrySchema) }),
  scope: 'operator.admin',
});

export const execApprovalsAllowlistAdd = defineMethod({
  name: 'exec.approvals.allowlist.add',
  summary: 'Add a pattern to an agent\'s stored exec allowlist (agentId * for every agent; default *).',
  params: Type.Object({ pattern: Pattern, agentId: Type.Optional(AgentRef) }, closed),
  result: Type.Object({ entry: AllowlistEntrySchema, added: Type.Boolean() }),
  scope: 'operator.admin',
});

export const execApprovalsAllowlistRemove = defineMethod({
  name: 'exec.approvals.allowlist.remove',
  summary: 'Remove a pattern from an agent\'s stored exec allowlist (agentId * for every agent; default *).',
  params: Type.Object({ pattern: Pattern, agentId: Type.Optional(AgentRef) }, closed),
  result: Type.Object({ entry: AllowlistEntrySchema }),
  scope: 'operator.admin',
});
