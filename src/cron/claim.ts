import { randomUUID } from 'node:crypto';
import type { CronJob } from '../protocol/cron-job.js';
import { mainSessionKey } from '../protocol/session-key.js';
import type { Store } from '../store/store.js';
import type { SystemEvent } from '../store/system-events.js';
import { countTimesBetween, latestDueAt, nextRunAfter } from './schedule.js';
import { takeSystemEvents } from './system-event-turn.js';

/** Characters of the run id in an isolated run's session key. */
export const SHORT_RUN_ID_CHARS = 8;

/** A run this process took from the ledger: it, and only it, runs this (job, scheduled time). */
export interface Claim {
  readonly job: CronJob;
  readonly scheduledAtMs: number;
  readonly runId: string;
  readonly manual: boolean;
  readonly startedAtMs: number;
  /** The session the run talks to. */
  readonly sessionKey: string;
  /** Main jobs with wake `now`: the queued events this run's turn consumes (taken in the claim transaction). */
  readonly events?: readonly SystemEvent[];
}

/** The session of a run: the agent's main session, or a fresh `agent:<id>:cron:<jobId>:<shortRunId>`. */
export function runSessionKey(job: CronJob, runId: string): string {
  return job.sessionTarget === 'main' ? mainSessionKey(job.agentId) : `agent:${job.agentId}:cron:${job.id}:${runId.slice(0, SHORT_RUN_ID_CHARS)}`;
}

/** Queue a main job's event, and take the session's events when the job wakes it now (same transaction). */
function applyTarget(store: Store, job: CronJob, nowMs: number): SystemEvent[] | undefined {
  if (job.sessionTarget !== 'main' || job.payload.kind !== 'systemEvent') return undefined;
  const key = mainSessionKey(job.agentId);
  store.systemEvents.enqueue(key, job.payload.text, `cron:${job.id}`, nowMs);
  return job.wakeMode === 'now' ? takeSystemEvents(store, key) : undefined;
}

function claimOf(job: CronJob, scheduledAtMs: number, runId: string, manual: boolean, nowMs: number, events: SystemEvent[] | undefined): Claim {
  return { job, scheduledAtMs, runId, manual, startedAtMs: nowMs, sessionKey: runSessionKey(job, runId), ...(events ? { events } : {}) };
}

/**
 * Take a due job's run in ONE transaction: re-read the job, insert the ledger row for its latest due time
 * (catch-up runs once; earlier missed times are skipped) and advance its next run from now. Undefined when
 * the job is not due any more or another process or an earlier start already took that time.
 */
export function claimDue(store: Store, jobId: string, nowMs: number): Claim | undefined {
  return store.write(() => {
    const job = store.cronJobs.get(jobId);
    const due = job?.state.nextRunAtMs;
    if (!job || !job.enabled || due === undefined || due > nowMs) return undefined;
    const scheduledAtMs = latestDueAt(job.schedule, due, nowMs);
    const runId = randomUUID();
    const next = job.schedule.kind === 'at' ? undefined : nextRunAfter(job.schedule, nowMs);
    const advanced: CronJob = { ...job, state: { ...job.state }, updatedAtMs: nowMs };
    if (next === undefined) delete advanced.state.nextRunAtMs;
    else advanced.state.nextRunAtMs = next;
    store.cronJobs.save(advanced);
    const skipped = countTimesBetween(job.schedule, due, scheduledAtMs);
    const taken = store.cronRuns.claim({ jobId, scheduledAtMs, runId, manual: false, startedAtMs: nowMs, sessionKey: runSessionKey(job, runId), skipped });
    // Already in the ledger: that time ran (or is running) elsewhere. The job still moves on, so it is not retried.
    if (!taken) return undefined;
    return claimOf(advanced, scheduledAtMs, runId, false, nowMs, applyTarget(store, job, nowMs));
  });
}

/** Take a manual run (`cron.run`) now: a ledger row with manual=1 at the current time; the schedule is untouched. */
export function claimManual(store: Store, job: CronJob, nowMs: number): Claim {
  return store.write(() => {
    const runId = randomUUID();
    // Two manual runs in the same millisecond get distinct ledger times.
    let at = nowMs;
    while (!store.cronRuns.claim({ jobId: job.id, scheduledAtMs: at, runId, manual: true, startedAtMs: nowMs, sessionKey: runSessionKey(job, runId) })) at++;
    return claimOf(job, at, runId, true, nowMs, applyTarget(store, job, nowMs));
  });
}
