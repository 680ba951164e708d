import { cronAdd, cronList, cronRemove, cronRun, cronRuns, cronStatus, cronUpdate } from '../protocol/methods/index.js';
import { CRON_RUNS_DEFAULT_LIMIT } from '../protocol/methods/cron.js';
import { implement, type MethodImpl } from '../protocol/methods/define.js';
import type { CronService } from './scheduler.js';

/** cron.*: thin bindings of the gateway's CronService. */
export function cronMethods(cron: CronService): readonly MethodImpl[] {
  return [
  implement(cronList, (p) => ({ jobs: cron.list(p?.includeDisabled ?? false) })),
  implement(cronStatus, () => cron.status()),
  implement(cronRuns, (p) => {
    const entries = cron.runs(p.id, p.limit ?? CRON_RUNS_DEFAULT_LIMIT);
    // A removed job (one-shot jobs remove themselves) keeps its history; an id never seen is an error.
    if (entries.length === 0) cron.get(p.id);
    return { entries };
  }),
  implement(cronAdd, (p) => cron.add(p)),
  implement(cronUpdate, (p) => cron.update(p.id, p.patch)),
  implement(cronRemove, (p) => ({ ok: true as const, removed: cron.remove(p.id) })),
  implement(cronRun, (p) => ({ ok: true as const, ...cron.runNow(p.id) })),
  ];
}
