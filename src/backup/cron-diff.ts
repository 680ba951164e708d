import { until } from './agent-state-diff.js';
import { countMissing, diffKeyed } from './keyed-diff.js';
import type { CronJobRow, StoreSnapshot } from './store-snapshot.js';

/** A cron job as the diff names it. */
export interface CronJobSummary {
  jobId: string;
  name: string;
  enabled: boolean;
}

/** A job on both sides whose definition or run state differs. */
export interface CronJobChange {
  jobId: string;
  name: string;
  what: string[];
}

/** Run ledger rows of one job that differ. */
export interface CronRunChange {
  jobId: string;
  /** The job's name on either side; null when neither store has the job any more. */
  name: string | null;
  /** Runs recorded since the backup: gone from the history after the restore. */
  lost: number;
  back: number;
}

/** What a restore rolls back of cron: jobs (definition and run state) and their run history. */
export interface CronDiff {
  jobs: { removed: CronJobSummary[]; restored: CronJobSummary[]; changed: CronJobChange[] };
  runs: CronRunChange[];
}

const summary = (j: CronJobRow): CronJobSummary => ({ jobId: j.jobId, name: j.name, enabled: j.enabled === 1 });

/** Definition columns compared by name (their JSON is shown by `clawgate cron list`, not here). */
const DEFINITION: ReadonlyArray<[keyof CronJobRow, string]> = [
  ['agentId', 'agent'],
  ['schedule', 'schedule'],
  ['target', 'session target'],
  ['payload', 'payload'],
  ['wake', 'wake mode'],
  ['delivery', 'delivery'],
  ['deleteAfterRun', 'delete-after-run'],
];

const time = (ms: number | null): string => (ms === null ? 'none' : until(ms));

function jobChange(now: CronJobRow, bak: CronJobRow): string[] {
  const what: string[] = [];
  if (now.name !== bak.name) what.push(`renamed back to '${bak.name}'`);
  if (now.enabled !== bak.enabled) what.push(bak.enabled === 1 ? 'enabled again' : 'disabled again');
  const differs = DEFINITION.filter(([k]) => now[k] !== bak[k]).map(([, label]) => label);
  if (differs.length > 0) what.push(`${differs.join(', ')} as in the backup`);
  const state: string[] = [];
  if (now.nextRunAtMs !== bak.nextRunAtMs) state.push(`next run ${time(now.nextRunAtMs)} -> ${time(bak.nextRunAtMs)}`);
  if (now.lastRunAtMs !== bak.lastRunAtMs) state.push(`last run ${time(now.lastRunAtMs)} -> ${time(bak.lastRunAtMs)}`);
  if (now.lastStatus !== bak.lastStatus) state.push(`last status ${now.lastStatus ?? 'none'} -> ${bak.lastStatus ?? 'none'}`);
  if (now.consecutiveErrors !== bak.consecutiveErrors) state.push(`error streak ${now.consecutiveErrors} -> ${bak.consecutiveErrors}`);
  if (state.length > 0) what.push(`run state rolls back (${state.join(', ')})`);
  return what;
}

/** Compare cron jobs and their run ledger between the current store and the backup. */
export function diffCron(cur: StoreSnapshot, bak: StoreSnapshot): CronDiff {
  const jobs = diffKeyed(cur.cronJobs, bak.cronJobs, (j) => j.jobId);
  const names = new Map([...bak.cronJobs, ...cur.cronJobs].map((j) => [j.jobId, j.name]));
  const runs: CronRunChange[] = [];
  for (const jobId of [...new Set([...cur.cronRuns.keys(), ...bak.cronRuns.keys()])].sort()) {
    const a = cur.cronRuns.get(jobId) ?? new Set<number>();
    const b = bak.cronRuns.get(jobId) ?? new Set<number>();
    const change = { jobId, name: names.get(jobId) ?? null, lost: countMissing(a, b), back: countMissing(b, a) };
    if (change.lost + change.back > 0) runs.push(change);
  }
  return {
    jobs: {
      removed: jobs.removed.map(summary),
      restored: jobs.restored.map(summary),
      changed: jobs.both.flatMap(([a, b]) => {
        const what = jobChange(a, b);
        return what.length > 0 ? [{ jobId: a.jobId, name: a.name, what }] : [];
      }),
    },
    runs,
  };
}

/** "cron job 'morning' (id 0f3c2a1b9d8e)". */
export function cronJobName(jobId: string, name: string | null): string {
  return name === null ? `cron job (id ${jobId.slice(0, 12)})` : `cron job '${name}' (id ${jobId.slice(0, 12)})`;
}

function runs(n: number): string {
  return `${n} run${n === 1 ? '' : 's'}`;
}

/** Human sections for cron; empty when nothing differs. */
export function describeCron(d: CronDiff): Array<[string, string[]]> {
  return [
    [
      'Cron jobs',
      [
        ...d.jobs.removed.map((j) => `- ${cronJobName(j.jobId, j.name)} is removed (created after the backup was made)`),
        ...d.jobs.restored.map((j) => `+ ${cronJobName(j.jobId, j.name)} comes back (${j.enabled ? 'enabled' : 'disabled'})`),
        ...d.jobs.changed.map((j) => `~ ${cronJobName(j.jobId, j.name)}: ${j.what.join('; ')}`),
      ],
    ],
    [
      'Cron run history',
      d.runs.map((r) => {
        const parts = [...(r.lost > 0 ? [`loses ${runs(r.lost)} recorded since the backup`] : []), ...(r.back > 0 ? [`gets ${runs(r.back)} back`] : [])];
        return `~ ${cronJobName(r.jobId, r.name)} ${parts.join('; ')}`;
      }),
    ],
  ];
}
