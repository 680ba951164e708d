import { bodyProblem, findUnreadableRows, QUARANTINE_REASON_PREFIX, Transcripts, type UnreadableRow } from '../../store/transcripts.js';
import { withStoreForFix } from '../backup.js';
import { withReadOnlyStore } from '../read-only-store.js';
import type { DoctorCheck, FixApplied } from '../types.js';
import { finding } from '../types.js';

/** Most row ids a finding names per session (the JSON report and the fix cover all of them). */
const MAX_IDS_NAMED = 20;

/** The reason a quarantined row is excluded with: when, by what, and why its body could not be read. */
export function quarantineReason(problem: string, nowMs: number): string {
  return `${QUARANTINE_REASON_PREFIX} by doctor --fix at ${new Date(nowMs).toISOString()}: ${problem}`;
}

/**
 * Quarantine unreadable rows: mark each excluded with a quarantine reason, in one transaction, after an
 * online backup of state.db. The body is not touched (the raw bytes stay recoverable), and a row that
 * became readable or was marked meanwhile is left alone.
 */
function quarantine(dbPath: string, ids: readonly number[], nowMs: number): FixApplied {
  const { result: done, backup } = withStoreForFix(dbPath, nowMs, (db) => {
    const transcripts = new Transcripts(db);
    const row = db.prepare<[number], { role: string; body: string; excluded_reason: string | null }>('SELECT role, body, excluded_reason FROM messages WHERE id = ?');
    return db
      .transaction(() =>
        ids.filter((id) => {
          const r = row.get(id);
          const problem = r && r.excluded_reason === null ? bodyProblem(r.role, r.body) : undefined;
          return problem !== undefined && transcripts.exclude(id, quarantineReason(problem, nowMs));
        }),
      )
      .immediate();
  });
  return { action: `quarantined ${done.length} unreadable transcript row${done.length === 1 ? '' : 's'} (ids ${done.join(', ')}): excluded from history and providers, raw bodies kept in messages`, backup };
}

function bySession(rows: readonly UnreadableRow[]): Map<string, UnreadableRow[]> {
  const out = new Map<string, UnreadableRow[]>();
  for (const r of rows) out.set(r.sessionKey, [...(out.get(r.sessionKey) ?? []), r]);
  return out;
}

function describeSession(key: string, rows: readonly UnreadableRow[]): string {
  const named = rows.slice(0, MAX_IDS_NAMED).map((r) => `${r.id} (${r.role}: ${r.problem})`);
  const more = rows.length > MAX_IDS_NAMED ? ` and ${rows.length - MAX_IDS_NAMED} more` : '';
  return `session ${key}: row id${rows.length === 1 ? '' : 's'} ${named.join(', ')}${more}`;
}

/** transcript-integrity: transcript rows whose body cannot be read (history shows a marker for each). */
export const transcriptIntegrity: DoctorCheck = {
  id: 'transcript-integrity',
  run(ctx) {
    const rows = withReadOnlyStore(ctx.paths.dbPath, findUnreadableRows);
    if (rows === undefined) return { summary: 'no store to read (none yet, or see store-integrity)', findings: [] };
    if (rows.length === 0) return { summary: 'every transcript row reads', findings: [] };
    const sessions = bySession(rows);
    const n = rows.length;
    return {
      summary: `${n} unreadable transcript row${n === 1 ? '' : 's'} in ${sessions.size} session${sessions.size === 1 ? '' : 's'}`,
      findings: [
        finding(
          'transcript-unreadable',
          'error',
          `${n} transcript row${n === 1 ? '' : 's'} cannot be read (history shows a marker in ${n === 1 ? 'its' : 'their'} place): ${[...sessions].map(([k, r]) => describeSession(k, r)).join('; ')}`,
          'clawgate doctor --fix (quarantines the rows: excluded from history and providers with a reason, raw bodies kept, after a backup of state.db)',
          () => quarantine(ctx.paths.dbPath, rows.map((r) => r.id), ctx.now()),
        ),
      ],
    };
  },
};
