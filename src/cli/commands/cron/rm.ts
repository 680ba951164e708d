import type { Command } from 'commander';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import type { CliContext } from '../../context.js';
import { withRunningGateway } from '../../gateway-required.js';
import { resolveJobId } from './job-ref.js';
import { cronList, cronRemove } from '../../../protocol/methods/cron.js';

/** `clawgate cron rm ID`. */
export function register(cron: Command, ctx: () => CliContext): void {
  cron
    .command('rm')
    .description('remove a job (its runs stay listed by cron runs)')
    .argument('<id>', 'job id or a unique prefix')
    .option('--json', 'print {ok, removed, id}')
    .action(async (ref: string, opts: { json?: boolean }) => {
      const c = ctx();
      const result = await withRunningGateway(c, [cronList, cronRemove], async (client) => {
        const id = await resolveJobId(client, ref);
        return { ...(await client.call(cronRemove, { id })), id };
      });
      if (!result.removed) throw new ClawgateError('UNKNOWN_CRON_JOB', `no cron job "${ref}"; see clawgate cron list`);
      if (opts.json || c.json) c.printJson(result);
      else c.io.out(`removed cron job ${result.id}`);
    });
}
