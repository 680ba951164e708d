import type { Command } from 'commander';
import type { CronJob } from '../../../protocol/cron-job.js';
import type { CliContext } from '../../context.js';
import { withRunningGateway } from '../../gateway-required.js';
import { jobOptions, patchFromFlags, type JobFlags } from './job-flags.js';
import { resolveJobId } from './job-ref.js';
import { renderJob } from './render.js';

/** `clawgate cron edit ID`. */
export function register(cron: Command, ctx: () => CliContext): void {
  jobOptions(cron.command('edit').description('change a job (only the flags given)').argument('<id>', 'job id or a unique prefix'))
    .option('--clear-delivery', 'stop announcing the results')
    .action(async (ref: string, opts: JobFlags) => {
      const c = ctx();
      const patch = patchFromFlags(opts);
      const job = await withRunningGateway(c, ['cron.list', 'cron.update'], async (client) => client.request<CronJob>('cron.update', { id: await resolveJobId(client, ref), patch }));
      if (opts.json || c.json) c.printJson(job);
      else c.io.out(renderJob('updated', job));
    });
}
