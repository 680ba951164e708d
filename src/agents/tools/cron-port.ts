import type { CronJob, CronJobInput } from '../../protocol/cron-job.js';

/** What an agent may put in a job it adds: a cron.add input without the agent (always the caller's own). */
export type AgentCronInput = Omit<CronJobInput, 'agentId' | 'sessionKey'>;

/** Who is asking: the agent (whose jobs these are) and its session (recorded as the maker of a job). */
export interface CronCaller {
  readonly agentId: string;
  readonly sessionKey: string;
}

/**
 * How the cron tool reaches the scheduler (which lives above agents): list, add and remove the caller's
 * agent's jobs. The gateway wires it to its CronService; the implementation enforces ownership and limits.
 */
export interface CronPort {
  /** Jobs of the caller's agent (enabled and disabled), oldest first. */
  list(caller: CronCaller): CronJob[];
  /** Add a job for the caller's agent, marked as made by it; validated as cron.add validates. */
  add(caller: CronCaller, input: AgentCronInput): CronJob;
  /** Remove a job the caller's agent made; another agent's or the owner's job is refused (FORBIDDEN). */
  remove(caller: CronCaller, id: string): { removed: boolean };
}
