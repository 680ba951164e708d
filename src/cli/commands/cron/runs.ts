import type { Command } from 'commander';
import { CRON_RUNS_MAX_LIMIT, cronList, cronRuns } from '../../../protocol/methods/cron.js';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import type { CliContext } from '../../context.js';
import { withRunningGateway } from '../../gateway-required.js';
import { resolveJobId } from './job-ref.js';
import { renderRuns } from './render.js';

/** `clawgate cron runs ID`. */
export function register(cron: Command, ctx: () => CliContext): void {
  cron
    .command('runs')
    .description("a job's runs, newest first: status, error code, delivery, summary")
    .argument('<id>', 'job id or a unique prefix')
    .option('--limit <n>', `how many (1-${CRON_RUNS_MAX_LIMIT}, default 20)`)
    .option('--json', 'print {entries}')
    .action(async (ref: string, opts: { limit?: string; json?: boolean }) => {
      const c = ctx();
      const limit = opts.limit !== undefined ? Number(opts.limit) : undefined;
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > CRON_RUNS_MAX_LIMIT)) throw new ClawgateError('USAGE', `--limit takes 1-${CRON_RUNS_MAX_LIMIT}`);
      const result = await withRunningGateway(c, [cronList, cronRuns], async (client) =>
        client.call(cronRuns, { id: await resolveJobId(client, ref), ...(limit !== undefined ? { limit } : {}) }),
      );
      if (opts.json || c.json) c.printJson(result);
      else c.io.out(renderRuns(result.entries));
    });
}
