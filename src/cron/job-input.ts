import { randomUUID } from 'node:crypto';
import { CRON_NAME_MAX_CHARS, CRON_TEXT_MAX_CHARS, type CronJob, type CronJobInput, type CronJobPatch } from '../protocol/cron-job.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { firstRunAt, normalizeSchedule } from './schedule.js';

/** The agents a job may name, and the one used when it names none. */
export interface AgentChoice {
  readonly ids: readonly string[];
  readonly defaultId: string;
}

function checkAgent(agentId: string, agents: AgentChoice): void {
  if (!agents.ids.includes(agentId)) {
    throw new ClawgateError('UNKNOWN_AGENT', `unknown agent "${agentId.slice(0, 64)}" (configured: ${agents.ids.join(', ')}); see clawgate config get agents`, { agentId });
  }
}

/** Cross-field rules: main jobs queue a system event, isolated jobs send an agent turn; delivery is for isolated jobs. */
function checkShape(job: CronJob): void {
  const name = job.name.trim();
  if (name.length === 0 || name.length > CRON_NAME_MAX_CHARS) throw new ClawgateError('INVALID_PARAMS', `name must be 1-${CRON_NAME_MAX_CHARS} characters`);
  if (job.sessionTarget === 'main' && job.payload.kind !== 'systemEvent') {
    throw new ClawgateError('INVALID_PARAMS', 'a main-session job queues a system event: use payload {kind:"systemEvent", text} (CLI: --system-event TEXT)');
  }
  if (job.sessionTarget === 'isolated' && job.payload.kind !== 'agentTurn') {
    throw new ClawgateError('INVALID_PARAMS', 'an isolated job sends an agent turn: use payload {kind:"agentTurn", message} (CLI: --message TEXT)');
  }
  const text = job.payload.kind === 'systemEvent' ? job.payload.text : job.payload.message;
  if (text.trim().length === 0 || text.length > CRON_TEXT_MAX_CHARS) throw new ClawgateError('INVALID_PARAMS', `the job's text must be 1-${CRON_TEXT_MAX_CHARS} characters`);
  if (job.delivery?.mode === 'announce' && job.sessionTarget !== 'isolated') {
    throw new ClawgateError('INVALID_PARAMS', 'announce delivery sends the result of an isolated run; use --session isolated with --message');
  }
  if (job.delivery?.mode === 'announce' && job.delivery.channel !== undefined && job.delivery.channel !== 'last' && !job.delivery.to) {
    throw new ClawgateError('INVALID_PARAMS', `announcing on ${job.delivery.channel.slice(0, 40)} needs --to <chat id> (or --channel last: the chat that last talked to the agent)`);
  }
}

/** A new job from `cron.add` input: validated, schedule normalized, first run computed. */
export function buildJob(input: CronJobInput, agents: AgentChoice, nowMs: number): CronJob {
  const agentId = input.agentId ?? agents.defaultId;
  checkAgent(agentId, agents);
  const schedule = normalizeSchedule(input.schedule, nowMs);
  const enabled = input.enabled ?? true;
  const job: CronJob = {
    id: randomUUID(),
    name: input.name.trim(),
    agentId,
    enabled,
    deleteAfterRun: input.deleteAfterRun ?? schedule.kind === 'at',
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
    schedule,
    sessionTarget: input.sessionTarget ?? (input.payload.kind === 'systemEvent' ? 'main' : 'isolated'),
    wakeMode: input.wakeMode ?? 'now',
    payload: input.payload,
    state: { consecutiveErrors: 0 },
  };
  if (input.delivery && input.delivery.mode !== 'none') job.delivery = input.delivery;
  if (enabled) {
    const next = firstRunAt(schedule, nowMs);
    if (next !== undefined) job.state.nextRunAtMs = next;
  }
  checkShape(job);
  return job;
}

/**
 * The job after a `cron.update` patch. A new schedule or a re-enable recomputes the next run (and clears the
 * error streak); disabling clears it.
 */
export function applyPatch(job: CronJob, patch: CronJobPatch, agents: AgentChoice, nowMs: number): CronJob {
  const next: CronJob = { ...job, state: { ...job.state }, updatedAtMs: nowMs };
  if (patch.name !== undefined) next.name = patch.name.trim();
  if (patch.agentId !== undefined) {
    const agentId = patch.agentId ?? agents.defaultId;
    checkAgent(agentId, agents);
    next.agentId = agentId;
  }
  if (patch.sessionTarget !== undefined) next.sessionTarget = patch.sessionTarget;
  if (patch.wakeMode !== undefined) next.wakeMode = patch.wakeMode;
  if (patch.payload !== undefined) {
    next.payload = patch.payload;
    if (patch.sessionTarget === undefined) next.sessionTarget = patch.payload.kind === 'systemEvent' ? 'main' : 'isolated';
  }
  if (patch.delivery !== undefined) {
    if (patch.delivery.mode === 'none') delete next.delivery;
    else next.delivery = patch.delivery;
  }
  if (patch.deleteAfterRun !== undefined) next.deleteAfterRun = patch.deleteAfterRun;
  const rescheduled = patch.schedule !== undefined;
  if (patch.schedule !== undefined) next.schedule = normalizeSchedule(patch.schedule, nowMs);
  const reEnabled = patch.enabled === true && !job.enabled;
  if (patch.enabled !== undefined) next.enabled = patch.enabled;
  if (!next.enabled) delete next.state.nextRunAtMs;
  else if (rescheduled || reEnabled) {
    next.state.consecutiveErrors = 0;
    const first = firstRunAt(next.schedule, nowMs);
    if (first === undefined) delete next.state.nextRunAtMs;
    else next.state.nextRunAtMs = first;
  }
  checkShape(next);
  return next;
}
