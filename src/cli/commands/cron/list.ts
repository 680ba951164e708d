import type { Command } from 'commander';
import type { CronJob } from '../../../protocol/cron-job.js';
import { withReadOnlyStore } from '../../../doctor/read-only-store.js';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { CronJobs } from '../../../store/cron-jobs.js';
import type { CliContext } from '../../context.js';
import { withRunningGateway } from '../../gateway-required.js';
import { resolveTarget } from '../../gateway-target.js';
import { renderJobs } from './render.js';
import { cronList } from '../../../protocol/methods/cron.js';

/** Jobs over RPC; when this host's gateway is down, read from the store (nothing runs until it starts). */
async function fetchJobs(c: CliContext, includeDisabled: boolean): Promise<{ jobs: CronJob[]; offline: boolean }> {
  try {
    const r = await withRunningGateway(c, [cronList], (client) => client.call(cronList, { includeDisabled }));
    return { jobs: r.jobs, offline: false };
  } catch (err) {
    if (!(err instanceof ClawgateError && err.code === 'GATEWAY_UNREACHABLE' && resolveTarget(c).local)) throw err;
    const jobs = withReadOnlyStore(c.paths.dbPath, (db) => new CronJobs(db).list(includeDisabled));
    if (jobs === undefined) throw err;
    return { jobs, offline: true };
  }
}

/** `clawgate cron list`. */
export function register(cron: Command, ctx: () => CliContext): void {
  cron
    .command('list')
    .description('list cron jobs with their schedule, target, state, next and last run')
    .option('--enabled', 'only enabled jobs')
    .option('--json', 'print {jobs}')
    .action(async (opts: { enabled?: boolean; json?: boolean }) => {
      const c = ctx();
      const { jobs, offline } = await fetchJobs(c, !opts.enabled);
      if (opts.json || c.json) c.printJson({ jobs });
      else {
        c.io.out(renderJobs(jobs));
        if (offline) c.io.err('note: the gateway is not running, so no job runs; start it with: clawgate gateway start');
      }
    });
}
