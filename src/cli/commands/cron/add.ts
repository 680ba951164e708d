import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { withRunningGateway } from '../../gateway-required.js';
import { inputFromFlags, jobOptions, type JobFlags } from './job-flags.js';
import { renderJob } from './render.js';
import { cronAdd } from '../../../protocol/methods/cron.js';

/** `clawgate cron add`. */
export function register(cron: Command, ctx: () => CliContext): void {
  jobOptions(cron.command('add').description('add a job (runs inside the gateway; needs it running)')).action(async (opts: JobFlags) => {
    const c = ctx();
    const input = inputFromFlags(opts);
    const job = await withRunningGateway(c, [cronAdd], (client) => client.call(cronAdd, input));
    if (opts.json || c.json) c.printJson(job);
    else c.io.out(renderJob('added', job));
  });
}
