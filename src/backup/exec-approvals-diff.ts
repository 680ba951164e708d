import { inert } from '../protocol/display-text.js';
import { diffKeyed } from './keyed-diff.js';
import type { ExecAllowlistRow, ExecApprovalRow, StoreSnapshot } from './store-snapshot.js';

/** Longest command text shown in a rollback line (it came from the model: shown inert). */
const MAX_DIFF_COMMAND_CHARS = 80;

/** What a restore rolls back of exec approvals: stored allowlist entries and approval requests. */
export interface ExecApprovalsDiff {
  allowlist: { removed: ExecAllowlistRow[]; restored: ExecAllowlistRow[] };
  /** changed: on both sides with another status (a request decided since the backup comes back as it was). */
  approvals: { removed: ExecApprovalRow[]; restored: ExecApprovalRow[]; changed: Array<{ current: ExecApprovalRow; backup: ExecApprovalRow }> };
}

/** Compare the stored exec allowlist and approval requests between the current store and the backup. */
export function diffExecApprovals(cur: StoreSnapshot, bak: StoreSnapshot): ExecApprovalsDiff {
  const allowlist = diffKeyed(cur.execAllowlist, bak.execAllowlist, (e) => `${e.agentId}\u0000${e.pattern}`);
  const approvals = diffKeyed(cur.execApprovals, bak.execApprovals, (a) => a.id);
  return { allowlist: { removed: allowlist.removed, restored: allowlist.restored }, approvals: {
      removed: approvals.removed,
      restored: approvals.restored,
      changed: approvals.both.filter(([c, b]) => c.status !== b.status).map(([current, backup]) => ({ current, backup })),
    },
  };
}

const agentText = (agentId: string) => (agentId === '*' ? 'every agent' : `agent ${agentId}`);
const command = (text: string) => JSON.stringify(inert(text, MAX_DIFF_COMMAND_CHARS));

/** Human section for exec approvals; empty when nothing differs. An allowlist entry that comes back lets commands run unasked. */
export function describeExecApprovals(d: ExecApprovalsDiff): Array<[string, string[]]> {
  const removed = d.approvals.removed.length;
  const restoredPending = d.approvals.restored.filter((a) => a.status === 'pending');
  const restoredDecided = d.approvals.restored.length - restoredPending.length;
  const requests = (n: number) => `${n} request${n === 1 ? '' : 's'}`;
  return [
    [
      'Exec allowlist',
      [
        ...d.allowlist.removed.map((e) => `- ${command(e.pattern)} for ${agentText(e.agentId)} is no longer allowed (added after the backup was made); it asks again`),
        ...d.allowlist.restored.map((e) => `+ ${command(e.pattern)} for ${agentText(e.agentId)} is allowed again: it runs without asking`),
      ],
    ],
    [
      'Exec approval requests',
      [
        ...(removed > 0 ? [`- ${requests(removed)} made since the backup leave the history`] : []),
        ...(restoredDecided > 0 ? [`+ ${requests(restoredDecided)} decided before the backup come back to the history`] : []),
        ...restoredPending.map((a) => `+ request ${a.id.slice(0, 8)} (${command(a.command)}) comes back pending; the gateway expires it on start, it never runs`),
        ...d.approvals.changed.map(({ current, backup }) =>
          backup.status === 'pending'
            ? `~ request ${current.id.slice(0, 8)} (${command(current.command)}), ${current.status} now, comes back pending; the gateway expires it on start, it never runs`
            : `~ request ${current.id.slice(0, 8)} (${command(current.command)}): ${current.status} now, ${backup.status} in the backup`,
        ),
      ],
    ],
  ];
}
