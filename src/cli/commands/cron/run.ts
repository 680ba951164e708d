import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { withRunningGateway } from '../../gateway-required.js';
import { resolveJobId } from './job-ref.js';
import { cronList, cronRun } from '../../../protocol/methods/cron.js';

/** `clawgate cron run ID`. */
export function register(cron: Command, ctx: () => CliContext): void {
  cron
    .command('run')
    .description('run a job now, outside its schedule (recorded as a manual run)')
    .argument('<id>', 'job id or a unique prefix')
    .option('--json', 'print {ok, runId, id}')
    .action(async (ref: string, opts: { json?: boolean }) => {
      const c = ctx();
      const result = await withRunningGateway(c, [cronList, cronRun], async (client) => {
        const id = await resolveJobId(client, ref);
        return { ...(await client.call(cronRun, { id })), id };
      });
      if (opts.json || c.json) c.printJson(result);
      else c.io.out(`started run ${result.runId} of cron job ${result.id}; see: clawgate cron runs ${result.id.slice(0, 8)}`);
    });
}
