import type { AgentCronInput, CronCaller, CronPort } from '../agents/tools/cron-port.js';
import type { MessagePort } from '../agents/tools/message-port.js';
import type { CronJob } from '../protocol/cron-job.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import type { CronService } from './scheduler.js';

/** Most jobs one agent may have made with its cron tool at once (the owner's jobs do not count). */
export const MAX_AGENT_CRON_JOBS = 20;

/** The part of CronService the agent's port uses. */
export type AgentCronService = Pick<CronService, 'list' | 'get' | 'add' | 'remove'>;

function refuseTarget(job: AgentCronInput, messages: MessagePort): void {
  const d = job.delivery;
  // `last` (or no channel) answers the chat that last talked to the agent: one that reached it already.
  if (d?.mode !== 'announce' || d.channel === undefined || d.channel === 'last' || d.to === undefined) return;
  const target = { channel: d.channel, to: d.to };
  if (messages.isApprovedTarget(target)) return;
  throw new ClawgateError(
    'MESSAGE_TARGET_NOT_APPROVED',
    `a job may announce only to a chat the owner approved; ${target.channel} chat ${JSON.stringify(target.to)} is not one (the owner can approve it: ${messages.howToApprove(target)}), or use delivery channel "last"`,
    { channel: target.channel, to: target.to },
  );
}

/**
 * The cron tool's port on the gateway's scheduler: an agent sees its own agent's jobs, adds jobs for itself
 * only (validated like cron.add, marked as made by its session, at most MAX_AGENT_CRON_JOBS, announcing only
 * to approved targets), and removes only jobs an agent session of its own made.
 */
export function agentCronPort(service: () => AgentCronService, messages: MessagePort): CronPort {
  return {
    list(caller: CronCaller): CronJob[] {
      return service().list(true).filter((j) => j.agentId === caller.agentId);
    },
    add(caller: CronCaller, input: AgentCronInput): CronJob {
      refuseTarget(input, messages);
      return service().add({ ...input, agentId: caller.agentId }, { sessionKey: caller.sessionKey, maxJobs: MAX_AGENT_CRON_JOBS });
    },
    remove(caller: CronCaller, id: string): { removed: boolean } {
      const job = service().get(id);
      if (job.agentId !== caller.agentId) {
        throw new ClawgateError('FORBIDDEN', `cron job ${id.slice(0, 64)} belongs to agent "${job.agentId}", not to you; only your own jobs can be removed`, { id, agentId: job.agentId });
      }
      if (!job.createdBy) {
        throw new ClawgateError('FORBIDDEN', `cron job ${id.slice(0, 64)} ("${job.name}") was made by the owner; only the owner removes it (clawgate cron rm ${id.slice(0, 8)})`, { id });
      }
      return { removed: service().remove(job.id) };
    },
  };
}
