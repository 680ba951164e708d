import { Type } from '@sinclair/typebox';
import { CronJobInputSchema, CronJobPatchSchema, CronJobSchema, CronRunEntrySchema } from '../cron-job.js';
import { defineMethod } from './define.js';

/** Most ledger entries one cron.runs call returns. */
export const CRON_RUNS_MAX_LIMIT = 200;
/** cron.runs without a limit. */
export const CRON_RUNS_DEFAULT_LIMIT = 20;

const Int = Type.Integer({ minimum: 0 });
const closed = { additionalProperties: false } as const;
const JobId = Type.String({ minLength: 1, maxLength: 128 });
const Empty = Type.Union([Type.Undefined(), Type.Object({}, closed)]);

/** cron.list: jobs, oldest first (enabled only unless includeDisabled). */
export const cronList = defineMethod({
  name: 'cron.list',
  summary: 'Cron jobs with their next and last run; disabled ones with includeDisabled.',
  params: Type.Union([Type.Undefined(), Type.Object({ includeDisabled: Type.Optional(Type.Boolean()) }, closed)]),
  result: Type.Object({ jobs: Type.Array(CronJobSchema) }),
  scope: 'operator.read',
});

/** cron.status: the scheduler's state. */
export const cronStatus = defineMethod({
  name: 'cron.status',
  summary: 'Whether the scheduler runs, how many jobs, when it next wakes.',
  params: Empty,
  result: Type.Object({ enabled: Type.Boolean(), jobs: Int, nextWakeAtMs: Type.Optional(Int) }),
  scope: 'operator.read',
});

/** cron.runs: a job's ledger, newest first. */
export const cronRuns = defineMethod({
  name: 'cron.runs',
  summary: "A job's runs, newest first: status, error code, summary, delivery.",
  params: Type.Object({ id: JobId, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: CRON_RUNS_MAX_LIMIT })) }, closed),
  result: Type.Object({ entries: Type.Array(CronRunEntrySchema) }),
  scope: 'operator.read',
});

/** cron.add: create a job; returns it with its first run time. */
export const cronAdd = defineMethod({
  name: 'cron.add',
  summary: 'Add a job: schedule at/every/cron, main (system event) or isolated (agent turn), optional announce delivery.',
  params: CronJobInputSchema,
  result: CronJobSchema,
  scope: 'operator.admin',
});

/** cron.update: change fields of a job. */
export const cronUpdate = defineMethod({
  name: 'cron.update',
  summary: 'Change a job (patch of the cron.add fields; enabled toggles it).',
  params: Type.Object({ id: JobId, patch: CronJobPatchSchema }, closed),
  result: CronJobSchema,
  scope: 'operator.admin',
});

/** cron.remove: delete a job (its run history stays). */
export const cronRemove = defineMethod({
  name: 'cron.remove',
  summary: 'Remove a job; its runs stay in the ledger.',
  params: Type.Object({ id: JobId }, closed),
  result: Type.Object({ ok: Type.Literal(true), removed: Type.Boolean() }),
  scope: 'operator.admin',
});

/** cron.run: run a job now, outside its schedule. */
export const cronRun = defineMethod({
  name: 'cron.run',
  summary: 'Run a job now (recorded as a manual run); returns its runId for agent.wait.',
  params: Type.Object({ id: JobId }, closed),
  result: Type.Object({ ok: Type.Literal(true), runId: Type.String() }),
  scope: 'operator.admin',
});
