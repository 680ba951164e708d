import { Type } from '@sinclair/typebox';
import { CronJobInputSchema, type CronJob } from '../../protocol/cron-job.js';
import { ClawgateError } from '../../protocol/error-catalogue.js';
import { defineTool } from './tool.js';

/** A job as the model sees it: what it does, when, and who made it. */
function view(job: CronJob): Record<string, unknown> {
  return {
    id: job.id,
    name: job.name,
    madeBy: job.createdBy ? 'agent' : 'owner',
    enabled: job.enabled,
    schedule: job.schedule,
    sessionTarget: job.sessionTarget,
    payload: job.payload,
    ...(job.delivery ? { delivery: job.delivery } : {}),
    ...(job.state.nextRunAtMs !== undefined ? { nextRunAt: new Date(job.state.nextRunAtMs).toISOString() } : {}),
    ...(job.state.lastStatus ? { lastStatus: job.state.lastStatus } : {}),
  };
}

/** cron: the agent lists, adds and removes its own scheduled jobs (the owner sees them in `clawgate cron list`). */
export const cron = defineTool({
  name: 'cron',
  description:
    'Manage your scheduled jobs. action "list": your jobs. action "add" with job {name, schedule: {kind:"at", at:"+20m" or ISO time} | {kind:"every", everyMs} | {kind:"cron", expr, tz?}, payload: {kind:"agentTurn", message} (runs in its own session) or {kind:"systemEvent", text} (a note to your main session), delivery?: {mode:"announce", channel?, to?}}. action "remove" with id: only jobs you made.',
  parameters: Type.Object(
    {
      action: Type.Union([Type.Literal('list'), Type.Literal('add'), Type.Literal('remove')]),
      job: Type.Optional(Type.Omit(CronJobInputSchema, ['agentId', 'sessionKey'])),
      id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    },
    { additionalProperties: false },
  ),
  execute(args, ctx) {
    const port = ctx.services.cron;
    if (args.action === 'list') return { jobs: port.list(ctx.caller).map(view) };
    if (args.action === 'add') {
      if (!args.job) throw new ClawgateError('INVALID_PARAMS', 'action "add" needs job {name, schedule, payload}');
      return { status: 'added', job: view(port.add(ctx.caller, args.job)) };
    }
    if (!args.id) throw new ClawgateError('INVALID_PARAMS', 'action "remove" needs the id of the job (see action "list")');
    return { status: port.remove(ctx.caller, args.id).removed ? 'removed' : 'not-found', id: args.id };
  },
});
