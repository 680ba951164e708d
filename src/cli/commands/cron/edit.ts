import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { withRunningGateway } from '../../gateway-required.js';
import { jobOptions, patchFromFlags, type JobFlags } from './job-flags.js';
import { resolveJobId } from './job-ref.js';
import { renderJob } from './render.js';
import { cronList, cronUpdate } from '../../../protocol/methods/cron.js';

/** `clawgate cron edit ID`. */
export function register(cron: Command, ctx: () => CliContext): void {
  jobOptions(cron.command('edit').description('change a job (only the flags given)').argument('<id>', 'job id or a unique prefix'))
    .option('--clear-delivery', 'stop announcing the results')
    .action(async (ref: string, opts: JobFlags) => {
      const c = ctx();
      const patch = patchFromFlags(opts);
      const job = await withRunningGateway(c, [cronList, cronUpdate], async (client) => client.call(cronUpdate, { id: await resolveJobId(client, ref), patch }));
      if (opts.json || c.json) c.printJson(job);
      else c.io.out(renderJob('updated', job));
    });
}
