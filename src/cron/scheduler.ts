import type { Logger } from 'pino';
import type { AgentRuntimeApi } from '../agents/runtime-api.js';
import { MAX_CRON_JOBS, type CronJob, type CronJobInput, type CronJobPatch, type CronRunEntry } from '../protocol/cron-job.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import type { Store } from '../store/store.js';
import { claimDue, claimManual, type Claim } from './claim.js';
import { executeClaim, type Deliver } from './execute.js';
import { applyPatch, buildJob, type AgentChoice } from './job-input.js';

/**
 * Longest single timer wait: the timer is re-armed at least this often, so a job another process changed
 * in the store is noticed without a busy loop (and Node's 24.8-day timer limit never applies).
 */
export const MAX_TIMER_DELAY_MS = 60_000;
/** Wait before the next try after the store failed during a tick. */
export const TICK_RETRY_MS = 5_000;

/** What the service needs of the agent runtime. */
export type CronRuntime = Pick<AgentRuntimeApi, 'send' | 'wait' | 'agents' | 'defaultAgentId'>;

/** What a CronService is built from. */
export interface CronServiceOptions {
  readonly store: Store;
  readonly runtime: CronRuntime;
  readonly log: Logger;
  /** Announce delivery (the gateway passes its channels' deliver). */
  readonly deliver: Deliver;
  readonly now?: () => number;
}

/** `cron.status`: whether the scheduler runs, how many jobs, when it next wakes. */
export interface CronStatus {
  readonly enabled: boolean;
  readonly jobs: number;
  readonly nextWakeAtMs?: number;
}

/**
 * The scheduler: one timer armed for the earliest due job (re-armed on every change), the ledger making
 * each scheduled time run once across processes and restarts, and the job CRUD the methods use.
 */
export class CronService {
  readonly #opts: CronServiceOptions;
  readonly #now: () => number;
  readonly #running = new Map<string, { readonly done: Promise<void>; readonly startedAtMs: number }>();
  readonly #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #started = false;

  constructor(opts: CronServiceOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
  }

  /** Start the timer; due jobs (missed while the gateway was down) run once now. */
  start(): void {
    this.#started = true;
    this.#arm(0);
  }

  /** Stop claiming runs. Runs in flight go on until the runtime ends them; `settled()` waits for their records. */
  stop(): void {
    this.#started = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Resolves when every run this service started has ended and been recorded. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  #agents(): AgentChoice {
    const agents = this.#opts.runtime.agents();
    return { ids: agents.map((a) => a.id), defaultId: this.#opts.runtime.defaultAgentId() };
  }

  #job(id: string): CronJob {
    const job = this.#opts.store.cronJobs.get(id);
    if (!job) throw new ClawgateError('UNKNOWN_CRON_JOB', `no cron job "${id.slice(0, 64)}"; see clawgate cron list`, { id });
    return job;
  }

  /** Jobs, oldest first, with their run state (runningAtMs when running here). */
  list(includeDisabled = false): CronJob[] {
    return this.#opts.store.cronJobs.list(includeDisabled).map((j) => this.#withRunning(j));
  }

  get(id: string): CronJob {
    return this.#withRunning(this.#job(id));
  }

  #withRunning(job: CronJob): CronJob {
    const running = this.#running.get(job.id);
    return running ? { ...job, state: { ...job.state, runningAtMs: running.startedAtMs } } : job;
  }

  /**
   * Add a job (cron.add). `madeBy` marks a job an agent session adds with its cron tool; the agent may
   * hold at most `maxJobs` of those (counted in the same transaction as the insert).
   */
  add(input: CronJobInput, madeBy?: { readonly sessionKey: string; readonly maxJobs: number }): CronJob {
    const job = buildJob(input, this.#agents(), this.#now());
    if (madeBy) job.createdBy = { kind: 'agent', sessionKey: madeBy.sessionKey };
    this.#opts.store.write(() => {
      if (this.#opts.store.cronJobs.count() >= MAX_CRON_JOBS) throw new ClawgateError('INVALID_PARAMS', `too many cron jobs (${MAX_CRON_JOBS}); remove some with clawgate cron rm`);
      if (madeBy && this.#opts.store.cronJobs.countMadeByAgent(job.agentId) >= madeBy.maxJobs) {
        throw new ClawgateError(
          'CRON_AGENT_JOBS_FULL',
          `agent "${job.agentId}" already has ${madeBy.maxJobs} jobs it made itself, the most it may; remove one first (cron action "remove"), or the owner removes some with clawgate cron rm <id>`,
          { agentId: job.agentId, max: madeBy.maxJobs },
        );
      }
      this.#opts.store.cronJobs.save(job);
    });
    this.#opts.log.info({ jobId: job.id, schedule: job.schedule.kind, target: job.sessionTarget, ...(madeBy ? { madeBy: madeBy.sessionKey } : {}) }, 'cron job added');
    this.#rearm();
    return job;
  }

  update(id: string, patch: CronJobPatch): CronJob {
    const job = this.#opts.store.write(() => {
      const next = applyPatch(this.#job(id), patch, this.#agents(), this.#now());
      this.#opts.store.cronJobs.save(next);
      return next;
    });
    this.#rearm();
    return this.#withRunning(job);
  }

  remove(id: string): boolean {
    const removed = this.#opts.store.write(() => this.#opts.store.cronJobs.delete(id));
    if (removed) this.#opts.log.info({ jobId: id }, 'cron job removed');
    this.#rearm();
    return removed;
  }

  /** Run a job now (enabled or not), outside its schedule; resolves once the run is claimed and started. */
  runNow(id: string): { runId: string } {
    const claim = claimManual(this.#opts.store, this.#job(id), this.#now());
    this.#launch(claim);
    return { runId: claim.runId };
  }

  runs(id: string, limit?: number): CronRunEntry[] {
    return this.#opts.store.cronRuns.list(id, limit);
  }

  status(): CronStatus {
    const next = this.#nextDue();
    return { enabled: this.#started, jobs: this.#opts.store.cronJobs.count(), ...(next !== undefined ? { nextWakeAtMs: next } : {}) };
  }

  /** The earliest next run among enabled jobs not running here. */
  #nextDue(): number | undefined {
    return this.#opts.store.cronJobs.scheduled().find((d) => !this.#running.has(d.id))?.nextRunAtMs;
  }

  /** Claim and start every due job (not already running here); returns how many started. */
  tick(): number {
    const now = this.#now();
    let started = 0;
    for (const due of this.#opts.store.cronJobs.scheduled()) {
      if (due.nextRunAtMs > now) break;
      if (this.#running.has(due.id)) continue;
      const claim = claimDue(this.#opts.store, due.id, now);
      if (!claim) continue;
      this.#launch(claim);
      started++;
    }
    return started;
  }

  #launch(claim: Claim): void {
    this.#opts.log.info({ jobId: claim.job.id, runId: claim.runId, scheduledAtMs: claim.scheduledAtMs, manual: claim.manual }, 'cron run started');
    const deps = { store: this.#opts.store, runtime: this.#opts.runtime, deliver: this.#opts.deliver, log: this.#opts.log, now: this.#now };
    const p = executeClaim(deps, claim).finally(() => {
      this.#inFlight.delete(p);
      if (this.#running.get(claim.job.id)?.done === p) this.#running.delete(claim.job.id);
      this.#rearm();
    });
    this.#inFlight.add(p);
    if (!claim.manual) this.#running.set(claim.job.id, { done: p, startedAtMs: claim.startedAtMs });
  }

  #rearm(): void {
    if (!this.#started) return;
    try {
      const next = this.#nextDue();
      this.#arm(next === undefined ? MAX_TIMER_DELAY_MS : next - this.#now());
    } catch (err) {
      this.#opts.log.warn({ err: (err as Error).message }, 'cron: reading the schedule failed');
      this.#arm(TICK_RETRY_MS);
    }
  }

  #arm(delayMs: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#onTimer(), Math.max(0, Math.min(delayMs, MAX_TIMER_DELAY_MS)));
    this.#timer.unref();
  }

  #onTimer(): void {
    this.#timer = undefined;
    if (!this.#started) return;
    try {
      this.tick();
    } catch (err) {
      this.#opts.log.warn({ err: (err as Error).message }, 'cron tick failed');
      this.#arm(TICK_RETRY_MS);
      return;
    }
    this.#rearm();
  }
}
