import type { CronRunEntry } from '../protocol/cron-job.js';
import type { Db } from './database.js';
import { opt } from './rows.js';

/** Most ledger entries one `runs` call returns (also the default). */
export const MAX_CRON_RUNS_LIST = 200;

interface Row {
  job_id: string;
  scheduled_at_ms: number;
  run_id: string;
  manual: number;
  started_at_ms: number;
  ended_at_ms: number | null;
  status: string;
  error: string | null;
  summary: string | null;
}

/**
 * Outcome details kept in the `error` column as JSON (migration 3 has no columns for them): the error's
 * code and message, the run's session, skipped catch-up times and the delivery result.
 */
interface Detail {
  message?: string;
  code?: string;
  sessionKey?: string;
  skipped?: number;
  deliveryStatus?: CronRunEntry['deliveryStatus'];
  deliveryError?: string;
}

const STATUSES: ReadonlySet<string> = new Set(['running', 'ok', 'error', 'aborted']);

function detailOf(text: string | null): Detail {
  if (text === null) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Detail) : { message: text };
  } catch {
    return { message: text };
  }
}

function fromRow(r: Row): CronRunEntry {
  const d = detailOf(r.error);
  const e: CronRunEntry = {
    jobId: r.job_id,
    runId: r.run_id,
    scheduledAtMs: r.scheduled_at_ms,
    manual: r.manual === 1,
    startedAtMs: r.started_at_ms,
    status: (STATUSES.has(r.status) ? r.status : 'error') as CronRunEntry['status'],
  };
  const ended = opt(r.ended_at_ms);
  if (ended !== undefined) {
    e.endedAtMs = ended;
    e.durationMs = Math.max(0, ended - r.started_at_ms);
  }
  if (d.message !== undefined) e.error = d.message;
  if (d.code !== undefined) e.errorCode = d.code;
  if (r.summary !== null) e.summary = r.summary;
  if (d.sessionKey !== undefined) e.sessionKey = d.sessionKey;
  if (d.skipped) e.skipped = d.skipped;
  if (d.deliveryStatus !== undefined) e.deliveryStatus = d.deliveryStatus;
  if (d.deliveryError !== undefined) e.deliveryError = d.deliveryError;
  return e;
}

/** A ledger row as a run starts. */
export interface CronRunClaim {
  readonly jobId: string;
  readonly scheduledAtMs: number;
  readonly runId: string;
  readonly manual: boolean;
  readonly startedAtMs: number;
  readonly sessionKey?: string | undefined;
  readonly skipped?: number | undefined;
}

/** How a run ended. */
export interface CronRunEnd {
  readonly endedAtMs: number;
  readonly status: 'ok' | 'error' | 'aborted';
  readonly error?: { readonly code: string; readonly message: string } | undefined;
  readonly summary?: string | undefined;
  readonly deliveryStatus?: CronRunEntry['deliveryStatus'];
  readonly deliveryError?: string | undefined;
}

/** The cron_runs ledger: one row per (job, scheduled time), inserted before the run starts. */
export class CronRuns {
  readonly #claim;
  readonly #get;
  readonly #finish;
  readonly #list;
  readonly #count;

  constructor(db: Db) {
    this.#claim = db.prepare(`INSERT INTO cron_runs (job_id, scheduled_at_ms, run_id, manual, started_at_ms, status, error)
      VALUES (@jobId, @scheduledAtMs, @runId, @manual, @startedAtMs, 'running', @detail) ON CONFLICT(job_id, scheduled_at_ms) DO NOTHING`);
    this.#get = db.prepare<[string, number], Row>('SELECT * FROM cron_runs WHERE job_id = ? AND scheduled_at_ms = ?');
    this.#finish = db.prepare<[number, string, string | null, string | null, string, number]>(
      'UPDATE cron_runs SET ended_at_ms = ?, status = ?, error = ?, summary = ? WHERE job_id = ? AND scheduled_at_ms = ?',
    );
    this.#list = db.prepare<[string, number], Row>('SELECT * FROM cron_runs WHERE job_id = ? ORDER BY started_at_ms DESC, scheduled_at_ms DESC LIMIT ?');
    this.#count = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM cron_runs WHERE job_id = ?');
  }

  /** Insert the ledger row; false when that (job, scheduled time) was already taken: then it must not run. */
  claim(c: CronRunClaim): boolean {
    const detail: Detail = {};
    if (c.sessionKey !== undefined) detail.sessionKey = c.sessionKey;
    if (c.skipped) detail.skipped = c.skipped;
    const result = this.#claim.run({
      jobId: c.jobId,
      scheduledAtMs: c.scheduledAtMs,
      runId: c.runId,
      manual: c.manual ? 1 : 0,
      startedAtMs: c.startedAtMs,
      detail: Object.keys(detail).length > 0 ? JSON.stringify(detail) : null,
    });
    return result.changes > 0;
  }

  get(jobId: string, scheduledAtMs: number): CronRunEntry | undefined {
    const row = this.#get.get(jobId, scheduledAtMs);
    return row ? fromRow(row) : undefined;
  }

  /** Record how the run ended (keeping what the claim recorded). False when the row is gone. */
  finish(jobId: string, scheduledAtMs: number, end: CronRunEnd): boolean {
    const row = this.#get.get(jobId, scheduledAtMs);
    if (!row) return false;
    const detail: Detail = { ...detailOf(row.error) };
    if (end.error) {
      detail.code = end.error.code;
      detail.message = end.error.message;
    }
    if (end.deliveryStatus !== undefined) detail.deliveryStatus = end.deliveryStatus;
    if (end.deliveryError !== undefined) detail.deliveryError = end.deliveryError;
    const text = Object.keys(detail).length > 0 ? JSON.stringify(detail) : null;
    return this.#finish.run(end.endedAtMs, end.status, text, end.summary ?? null, jobId, scheduledAtMs).changes > 0;
  }

  /** A job's runs, newest first; at most MAX_CRON_RUNS_LIST. */
  list(jobId: string, limit = MAX_CRON_RUNS_LIST): CronRunEntry[] {
    const n = Number.isFinite(limit) ? Math.max(0, Math.min(Math.floor(limit), MAX_CRON_RUNS_LIST)) : MAX_CRON_RUNS_LIST;
    return this.#list.all(jobId, n).map(fromRow);
  }

  count(jobId: string): number {
    return this.#count.get(jobId)!.n;
  }
}
