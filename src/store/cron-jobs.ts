import type { CronDelivery, CronJob, CronPayload } from '../protocol/cron-job.js';
import type { Db } from './database.js';
import { nul, opt } from './rows.js';

interface Row {
  job_id: string;
  name: string;
  agent_id: string;
  enabled: number;
  schedule: string;
  target: string;
  payload: string;
  wake: string;
  delivery: string | null;
  delete_after_run: number;
  next_run_at_ms: number | null;
  consecutive_errors: number;
  last_run_at_ms: number | null;
  last_status: string | null;
  last_error: string | null;
  created_at_ms: number;
  updated_at_ms: number;
  created_by: string | null;
}

function fromRow(r: Row): CronJob {
  const job: CronJob = {
    id: r.job_id,
    name: r.name,
    agentId: r.agent_id,
    enabled: r.enabled === 1,
    deleteAfterRun: r.delete_after_run === 1,
    createdAtMs: r.created_at_ms,
    updatedAtMs: r.updated_at_ms,
    schedule: JSON.parse(r.schedule) as CronJob['schedule'],
    sessionTarget: r.target === 'main' ? 'main' : 'isolated',
    wakeMode: r.wake === 'next-heartbeat' ? 'next-heartbeat' : 'now',
    payload: JSON.parse(r.payload) as CronPayload,
    state: { consecutiveErrors: r.consecutive_errors },
  };
  if (r.delivery !== null) job.delivery = JSON.parse(r.delivery) as CronDelivery;
  const next = opt(r.next_run_at_ms);
  if (next !== undefined) job.state.nextRunAtMs = next;
  const last = opt(r.last_run_at_ms);
  if (last !== undefined) job.state.lastRunAtMs = last;
  if (r.last_status === 'ok' || r.last_status === 'error' || r.last_status === 'aborted') job.state.lastStatus = r.last_status;
  if (r.last_error !== null) job.state.lastError = r.last_error;
  if (r.created_by !== null) job.createdBy = { kind: 'agent', sessionKey: r.created_by };
  return job;
}

/** A job's id and next run, for arming the scheduler's timer. */
export interface CronDue {
  readonly id: string;
  readonly nextRunAtMs: number;
}

/** The cron_jobs aggregate: one row per job; config columns plus its run state (next, last, error streak). */
export class CronJobs {
  readonly #get;
  readonly #all;
  readonly #enabled;
  readonly #upsert;
  readonly #delete;
  readonly #count;
  readonly #schedule;
  readonly #madeBy;

  constructor(db: Db) {
    this.#get = db.prepare<[string], Row>('SELECT * FROM cron_jobs WHERE job_id = ?');
    this.#all = db.prepare<[], Row>('SELECT * FROM cron_jobs ORDER BY created_at_ms, job_id');
    this.#enabled = db.prepare<[], Row>('SELECT * FROM cron_jobs WHERE enabled = 1 ORDER BY created_at_ms, job_id');
    this.#upsert = db.prepare(`INSERT INTO cron_jobs (job_id, name, agent_id, enabled, schedule, target, payload, wake, delivery,
        delete_after_run, next_run_at_ms, consecutive_errors, last_run_at_ms, last_status, last_error, created_at_ms, updated_at_ms, created_by)
      VALUES (@id, @name, @agentId, @enabled, @schedule, @target, @payload, @wake, @delivery, @deleteAfterRun, @next, @errors,
        @lastRun, @lastStatus, @lastError, @createdAtMs, @updatedAtMs, @createdBy)
      ON CONFLICT(job_id) DO UPDATE SET name = excluded.name, agent_id = excluded.agent_id, enabled = excluded.enabled,
        schedule = excluded.schedule, target = excluded.target, payload = excluded.payload, wake = excluded.wake,
        delivery = excluded.delivery, delete_after_run = excluded.delete_after_run, next_run_at_ms = excluded.next_run_at_ms,
        consecutive_errors = excluded.consecutive_errors, last_run_at_ms = excluded.last_run_at_ms,
        last_status = excluded.last_status, last_error = excluded.last_error, updated_at_ms = excluded.updated_at_ms`);
    this.#delete = db.prepare<[string]>('DELETE FROM cron_jobs WHERE job_id = ?');
    this.#count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM cron_jobs');
    this.#madeBy = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM cron_jobs WHERE agent_id = ? AND created_by IS NOT NULL');
    this.#schedule = db.prepare<[], { job_id: string; next_run_at_ms: number }>(
      'SELECT job_id, next_run_at_ms FROM cron_jobs WHERE enabled = 1 AND next_run_at_ms IS NOT NULL ORDER BY next_run_at_ms',
    );
  }

  get(id: string): CronJob | undefined {
    const row = this.#get.get(id);
    return row ? fromRow(row) : undefined;
  }

  /** Jobs, oldest first; disabled ones only when asked. */
  list(includeDisabled = true): CronJob[] {
    return (includeDisabled ? this.#all : this.#enabled).all().map(fromRow);
  }

  count(): number {
    return this.#count.get()!.n;
  }

  /** Jobs of an agent that an agent session made (with its cron tool). */
  countMadeByAgent(agentId: string): number {
    return this.#madeBy.get(agentId)!.n;
  }

  /** Enabled jobs that have a next run, soonest first. */
  scheduled(): CronDue[] {
    return this.#schedule.all().map((r) => ({ id: r.job_id, nextRunAtMs: r.next_run_at_ms }));
  }

  /** Insert the job or replace every column of it. */
  save(job: CronJob): void {
    this.#upsert.run({
      id: job.id,
      name: job.name,
      agentId: job.agentId,
      enabled: job.enabled ? 1 : 0,
      schedule: JSON.stringify(job.schedule),
      target: job.sessionTarget,
      payload: JSON.stringify(job.payload),
      wake: job.wakeMode,
      delivery: job.delivery ? JSON.stringify(job.delivery) : null,
      deleteAfterRun: job.deleteAfterRun ? 1 : 0,
      next: nul(job.state.nextRunAtMs),
      errors: job.state.consecutiveErrors,
      lastRun: nul(job.state.lastRunAtMs),
      lastStatus: nul(job.state.lastStatus),
      lastError: nul(job.state.lastError),
      createdAtMs: job.createdAtMs,
      updatedAtMs: job.updatedAtMs,
      // Who made a job never changes: the upsert leaves the column alone on update.
      createdBy: job.createdBy?.sessionKey ?? null,
    });
  }

  /** True when a row was removed. The job's ledger rows stay (its run history). */
  delete(id: string): boolean {
    return this.#delete.run(id).changes > 0;
  }
}
