import type { Command } from 'commander';
import type { CronJob } from '../../../protocol/cron-job.js';
import type { CliContext } from '../../context.js';
import { withRunningGateway } from '../../gateway-required.js';
import { inputFromFlags, jobOptions, type JobFlags } from './job-flags.js';
import { renderJob } from './render.js';

/** `clawgate cron add`. */
export function register(cron: Command, ctx: () => CliContext): void {
  jobOptions(cron.command('add').description('add a job (runs inside the gateway; needs it running)')).action(async (opts: JobFlags) => {
    const c = ctx();
    const input = inputFromFlags(opts);
    const job = await withRunningGateway(c, ['cron.add'], (client) => client.request<CronJob>('cron.add', input));
    if (opts.json || c.json) c.printJson(job);
    else c.io.out(renderJob('added', job));
  });
}
