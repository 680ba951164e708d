import type { CronJob, CronRunEntry } from '../../../protocol/cron-job.js';
import { describeSchedule } from '../../../cron/schedule.js';
import { ago, formatTable } from '../../table.js';

/** Characters of a job or run id shown in tables (enough to name it: ids are random). */
export const SHORT_ID_CHARS = 8;

/** "in 5m" / "5m ago" style time relative to now. */
export function when(tsMs: number | undefined, nowMs = Date.now()): string | undefined {
  if (tsMs === undefined) return undefined;
  if (tsMs <= nowMs) return ago(tsMs, nowMs);
  const s = Math.round((tsMs - nowMs) / 1000);
  if (s < 60) return `in ${s}s`;
  if (s < 3600) return `in ${Math.round(s / 60)}m`;
  if (s < 86400) return `in ${Math.round(s / 3600)}h`;
  return `in ${Math.round(s / 86400)}d`;
}

function targetOf(job: CronJob): string {
  const base = job.sessionTarget === 'main' ? `main (${job.wakeMode})` : 'isolated';
  return job.delivery?.mode === 'announce' ? `${base} → ${job.delivery.channel ?? 'last'}${job.delivery.to ? `:${job.delivery.to}` : ''}` : base;
}

function stateOf(job: CronJob): string {
  if (job.state.runningAtMs !== undefined) return 'running';
  if (!job.enabled) return 'disabled';
  return job.state.consecutiveErrors > 0 ? `backoff (${job.state.consecutiveErrors} errors)` : 'enabled';
}

/** A table of jobs: id, name, schedule, target, state, next and last run. */
export function renderJobs(jobs: readonly CronJob[], nowMs = Date.now()): string {
  if (jobs.length === 0) return 'No cron jobs. Add one with: clawgate cron add --name NAME --every 1h --message TEXT';
  return formatTable(
    ['ID', 'NAME', 'SCHEDULE', 'TARGET', 'AGENT', 'STATE', 'NEXT', 'LAST'],
    jobs.map((j) => [
      j.id.slice(0, SHORT_ID_CHARS),
      j.name,
      describeSchedule(j.schedule),
      targetOf(j),
      // Jobs an agent added with its cron tool are marked, so the owner tells them from their own.
      j.createdBy ? `${j.agentId} (agent-made)` : j.agentId,
      stateOf(j),
      when(j.state.nextRunAtMs, nowMs),
      j.state.lastStatus ? `${j.state.lastStatus} ${when(j.state.lastRunAtMs, nowMs) ?? ''}`.trim() : undefined,
    ]),
  );
}

/** One job in a sentence, after add or edit. */
export function renderJob(verb: string, job: CronJob, nowMs = Date.now()): string {
  const next = job.state.nextRunAtMs !== undefined ? `next run ${new Date(job.state.nextRunAtMs).toISOString()} (${when(job.state.nextRunAtMs, nowMs)})` : job.enabled ? 'no next run' : 'disabled';
  return `${verb} cron job ${job.id} "${job.name}": ${describeSchedule(job.schedule)}, ${targetOf(job)}; ${next}`;
}

/** A table of a job's runs, newest first. */
export function renderRuns(entries: readonly CronRunEntry[], nowMs = Date.now()): string {
  if (entries.length === 0) return 'No runs yet.';
  return formatTable(
    ['RUN', 'SCHEDULED', 'STARTED', 'DURATION', 'STATUS', 'ERROR', 'DELIVERY', 'SUMMARY'],
    entries.map((e) => [
      e.runId.slice(0, SHORT_ID_CHARS),
      e.manual ? 'manual' : `${new Date(e.scheduledAtMs).toISOString()}${e.skipped ? ` (+${e.skipped} skipped)` : ''}`,
      when(e.startedAtMs, nowMs),
      e.durationMs !== undefined ? `${(e.durationMs / 1000).toFixed(1)}s` : undefined,
      e.status,
      e.errorCode,
      e.deliveryStatus === 'not-requested' ? undefined : e.deliveryError ? `${e.deliveryStatus}: ${e.deliveryError}` : e.deliveryStatus,
      e.summary?.replace(/\s+/g, ' ').slice(0, 60),
    ]),
  );
}
