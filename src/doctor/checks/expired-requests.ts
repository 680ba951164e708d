import { AuditLog } from '../../store/audit.js';
import { PendingRequests } from '../../store/pending-requests.js';
import { withStoreForFix } from '../backup.js';
import { withReadOnlyStore } from '../read-only-store.js';
import type { DoctorCheck, FixApplied } from '../types.js';
import { finding } from '../types.js';

/** Who the audit rows name as acting: the local owner, as for the CLI's store fallback. */
const ACTOR = 'cli-local';

/** Delete expired pending requests (one 'pairing.expired' audit row each), after an online backup of state.db. */
function pruneExpired(dbPath: string, nowMs: number): FixApplied {
  const { result: removed, backup } = withStoreForFix(dbPath, nowMs, (db) => {
    const pending = new PendingRequests(db);
    const audit = new AuditLog(db);
    return db
      .transaction(() => {
        const rows = pending.pruneExpired(nowMs);
        for (const p of rows) audit.append({ tsMs: nowMs, kind: 'pairing.expired', deviceId: p.deviceId, requestId: p.requestId, role: p.role, actor: ACTOR, reason: 'doctor --fix' });
        return rows.length;
      })
      .immediate();
  });
  return { action: `deleted ${removed} expired pending request${removed === 1 ? '' : 's'} (audited as pairing.expired)`, backup };
}

/** expired-requests: rows in pending_requests past expires_at_ms (invisible to clients, kept until pruned). */
export const expiredRequests: DoctorCheck = {
  id: 'expired-requests',
  run(ctx) {
    const now = ctx.now();
    const count = withReadOnlyStore(ctx.paths.dbPath, (db) => (db.prepare('SELECT count(*) AS n FROM pending_requests WHERE expires_at_ms <= ?').get(now) as { n: number }).n);
    if (count === undefined) return { summary: 'no store to read (none yet, or see store-integrity)', findings: [] };
    if (count === 0) return { summary: 'no expired pairing requests', findings: [] };
    return {
      summary: `${count} expired pairing request${count === 1 ? '' : 's'} left in the store`,
      findings: [
        finding('expired-requests', 'info', `${count} pending request${count === 1 ? ' has' : 's have'} expired; the device${count === 1 ? '' : 's'} must connect again to ask anew`, 'clawgate doctor --fix (deletes them, audited, after a backup of state.db)', () => pruneExpired(ctx.paths.dbPath, ctx.now())),
      ],
    };
  },
};
