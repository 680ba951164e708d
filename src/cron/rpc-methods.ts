import { cronAdd, cronList, cronRemove, cronRun, cronRuns, cronStatus, cronUpdate } from '../protocol/methods/index.js';
import { CRON_RUNS_DEFAULT_LIMIT } from '../protocol/methods/cron.js';
import { bindMethod, type BoundMethod } from '../gateway/handler.js';

/** cron.*: thin bindings of the gateway's CronService. */
export const CRON_METHODS: readonly BoundMethod[] = [
  bindMethod(cronList, (p, { gateway }) => ({ jobs: gateway.cron.list(p?.includeDisabled ?? false) })),
  bindMethod(cronStatus, (_p, { gateway }) => gateway.cron.status()),
  bindMethod(cronRuns, (p, { gateway }) => {
    const entries = gateway.cron.runs(p.id, p.limit ?? CRON_RUNS_DEFAULT_LIMIT);
    // A removed job (one-shot jobs remove themselves) keeps its history; an id never seen is an error.
    if (entries.length === 0) gateway.cron.get(p.id);
    return { entries };
  }),
  bindMethod(cronAdd, (p, { gateway }) => gateway.cron.add(p)),
  bindMethod(cronUpdate, (p, { gateway }) => gateway.cron.update(p.id, p.patch)),
  bindMethod(cronRemove, (p, { gateway }) => ({ ok: true as const, removed: gateway.cron.remove(p.id) })),
  bindMethod(cronRun, (p, { gateway }) => ({ ok: true as const, ...gateway.cron.runNow(p.id) })),
];
