import type { Logger } from 'pino';
import type { AgentRuntimeApi, RunSnapshot } from '../agents/runtime-api.js';
import type { ChannelTarget } from '../channels/channel.js';
import type { CronJob } from '../protocol/cron-job.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import type { Store } from '../store/store.js';
import type { CronRunEnd } from '../store/cron-runs.js';
import { nextAfterError } from './backoff.js';
import type { Claim } from './claim.js';
import { announceTarget } from './last-route.js';
import { nextRunAfter } from './schedule.js';
import { sendSystemEventTurn } from './system-event-turn.js';

/** Longest run summary kept in the ledger (the transcript has the whole text). */
export const MAX_RUN_SUMMARY_CHARS = 2000;
/** Longest error message kept on a job or ledger row. */
export const MAX_RUN_ERROR_CHARS = 500;
/** How long a cron run is waited for; the runtime ends every run by its own timeout well before. */
export const CRON_RUN_WAIT_MAX_MS = 24 * 60 * 60_000;

/** Sends an announce delivery; the gateway passes its channels' deliver. */
export type Deliver = (target: ChannelTarget, text: string) => Promise<void>;

/** What running a claim needs. */
export interface ExecuteDeps {
  readonly store: Store;
  readonly runtime: Pick<AgentRuntimeApi, 'send' | 'wait'>;
  readonly deliver: Deliver;
  readonly log: Logger;
  readonly now: () => number;
}

interface Outcome {
  status: 'ok' | 'error' | 'aborted';
  text?: string;
  error?: { code: string; message: string };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function outcomeOf(runId: string, snap: RunSnapshot | undefined): Outcome {
  if (!snap) return { status: 'error', error: { code: 'RUN_TIMEOUT', message: `run ${runId} did not end in time` } };
  if (snap.status === 'ok') return { status: 'ok', text: snap.text ?? '' };
  if (snap.status === 'aborted') return { status: 'aborted', error: { code: snap.error?.code ?? 'RUN_ABORTED', message: snap.error?.message ?? 'the run was aborted' } };
  return { status: 'error', error: { code: snap.error?.code ?? 'INTERNAL', message: snap.error?.message ?? `the run ended with status ${snap.status}` } };
}

/** Start the claimed run in the runtime and wait for its end. Main jobs left for the heartbeat end at once. */
async function run(deps: ExecuteDeps, claim: Claim): Promise<Outcome> {
  const { job } = claim;
  try {
    if (job.sessionTarget === 'main') {
      if (!claim.events) return { status: 'ok', text: 'queued for the next heartbeat' };
      sendSystemEventTurn(deps.store, deps.runtime, claim.sessionKey, claim.events, { kind: 'cron', jobId: job.id }, claim.runId);
    } else {
      const message = job.payload.kind === 'agentTurn' ? job.payload.message : job.payload.text;
      const timeoutSeconds = job.payload.kind === 'agentTurn' ? job.payload.timeoutSeconds : undefined;
      deps.runtime.send({
        sessionKey: claim.sessionKey,
        message,
        runId: claim.runId,
        origin: { kind: 'cron', jobId: job.id },
        label: `cron: ${job.name}`.slice(0, 64),
        ...(timeoutSeconds !== undefined ? { timeoutMs: timeoutSeconds * 1000 } : {}),
      });
    }
    return outcomeOf(claim.runId, await deps.runtime.wait(claim.runId, CRON_RUN_WAIT_MAX_MS));
  } catch (err) {
    const code = err instanceof ClawgateError ? err.code : 'INTERNAL';
    return { status: 'error', error: { code, message: err instanceof ClawgateError ? err.message : 'the run could not start' } };
  }
}

/** Announce an isolated run's result; a failure is recorded on the run, never fails it. */
async function deliverResult(deps: ExecuteDeps, job: CronJob, outcome: Outcome): Promise<Pick<CronRunEnd, 'deliveryStatus' | 'deliveryError'>> {
  if (job.delivery?.mode !== 'announce' || job.sessionTarget !== 'isolated') return { deliveryStatus: 'not-requested' };
  // The owner gets the answer, or a short notice with the catalogue code; never a provider's response body.
  const text =
    outcome.status === 'ok'
      ? (outcome.text ?? '').trim() || `Cron job "${job.name}" finished with an empty reply.`
      : `Cron job "${job.name}" failed (${outcome.error?.code ?? 'INTERNAL'}). Details: clawgate cron runs ${job.id}`;
  try {
    await deps.deliver(announceTarget(deps.store, job.agentId, job.delivery), text);
    return { deliveryStatus: 'delivered' };
  } catch (err) {
    const message = clip(err instanceof Error ? err.message : String(err), MAX_RUN_ERROR_CHARS);
    deps.log.warn({ jobId: job.id, channel: job.delivery.channel, err: message }, 'cron delivery failed');
    return { deliveryStatus: 'not-delivered', deliveryError: message };
  }
}

/** Record the end in the ledger and on the job: error streak and back-off, one-shot jobs removed or disabled. */
function record(deps: ExecuteDeps, claim: Claim, outcome: Outcome, delivery: Pick<CronRunEnd, 'deliveryStatus' | 'deliveryError'>): void {
  const endedAtMs = deps.now();
  const error = outcome.error ? { code: outcome.error.code, message: clip(outcome.error.message, MAX_RUN_ERROR_CHARS) } : undefined;
  deps.store.write(() => {
    deps.store.cronRuns.finish(claim.job.id, claim.scheduledAtMs, {
      endedAtMs,
      status: outcome.status,
      error,
      summary: outcome.text !== undefined ? clip(outcome.text, MAX_RUN_SUMMARY_CHARS) : undefined,
      ...delivery,
    });
    const job = deps.store.cronJobs.get(claim.job.id);
    if (!job) return;
    const next: CronJob = { ...job, state: { ...job.state, lastRunAtMs: claim.startedAtMs, lastStatus: outcome.status }, updatedAtMs: endedAtMs };
    if (error) next.state.lastError = error.message;
    else delete next.state.lastError;
    if (outcome.status === 'ok') next.state.consecutiveErrors = 0;
    // An abort is the owner's (or a stopping gateway's) doing, not the job's: it neither counts nor backs off.
    if (outcome.status === 'error') next.state.consecutiveErrors = job.state.consecutiveErrors + 1;
    if (job.schedule.kind === 'at' && !claim.manual) {
      if (outcome.status === 'ok' && job.deleteAfterRun) {
        deps.store.cronJobs.delete(job.id);
        return;
      }
      next.enabled = false;
      delete next.state.nextRunAtMs;
    } else if (outcome.status === 'error' && next.enabled && job.schedule.kind !== 'at') {
      next.state.nextRunAtMs = nextAfterError(job.state.nextRunAtMs ?? nextRunAfter(job.schedule, endedAtMs), endedAtMs, next.state.consecutiveErrors);
    }
    deps.store.cronJobs.save(next);
  });
}

/** Run a claimed job to its end and record it. Never throws (a failed record is logged). */
export async function executeClaim(deps: ExecuteDeps, claim: Claim): Promise<void> {
  const outcome = await run(deps, claim);
  const delivery = await deliverResult(deps, claim.job, outcome);
  try {
    record(deps, claim, outcome, delivery);
  } catch (err) {
    deps.log.warn({ jobId: claim.job.id, runId: claim.runId, err: (err as Error).message }, 'cron run could not be recorded');
  }
  deps.log.info({ jobId: claim.job.id, runId: claim.runId, status: outcome.status, code: outcome.error?.code, manual: claim.manual, delivery: delivery.deliveryStatus }, 'cron run ended');
}
