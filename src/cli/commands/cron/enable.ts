import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { withRunningGateway } from '../../gateway-required.js';
import { resolveJobId } from './job-ref.js';
import { renderJob } from './render.js';
import { cronList, cronUpdate } from '../../../protocol/methods/cron.js';

/** `clawgate cron enable ID`. */
export function register(cron: Command, ctx: () => CliContext): void {
  cron
    .command('enable')
    .description('enable a job (its next run is computed from now)')
    .argument('<id>', 'job id or a unique prefix')
    .option('--json', 'print the job as JSON')
    .action(async (ref: string, opts: { json?: boolean }) => {
      const c = ctx();
      const job = await withRunningGateway(c, [cronList, cronUpdate], async (client) => client.call(cronUpdate, { id: await resolveJobId(client, ref), patch: { enabled: true } }));
      if (opts.json || c.json) c.printJson(job);
      else c.io.out(renderJob('enabled', job));
    });
}
