import { Type, type Static } from '@sinclair/typebox';
import { MAX_MESSAGE_CHARS } from './limits.js';

/** Longest cron expression and time zone name accepted. */
export const MAX_CRON_EXPR_CHARS = 128;
export const MAX_TZ_CHARS = 64;
/** Longest job name. */
export const CRON_NAME_MAX_CHARS = 200;
/** Most jobs a gateway keeps (each is one row and one timer candidate). */
export const MAX_CRON_JOBS = 1000;
/** Longest channel id and target of an announce delivery. */
export const CRON_CHANNEL_MAX_CHARS = 64;
export const CRON_TO_MAX_CHARS = 256;
/** Longest system event or agent message; room is left for the `[system event] ` prefix of each event. */
export const CRON_TEXT_MAX_CHARS = MAX_MESSAGE_CHARS - 64;

const Int = Type.Integer({ minimum: 0 });
const closed = { additionalProperties: false } as const;

/** `at` (ISO time or `+20m`), `every` (ms, at least 10 s), `cron` (5 or 6 fields, IANA time zone). */
export const CronScheduleSchema = Type.Union([
  Type.Object({ kind: Type.Literal('at'), at: Type.String({ minLength: 1, maxLength: 64 }) }, closed),
  Type.Object({ kind: Type.Literal('every'), everyMs: Type.Integer({ minimum: 1 }), anchorMs: Type.Optional(Int) }, closed),
  Type.Object(
    {
      kind: Type.Literal('cron'),
      expr: Type.String({ minLength: 1, maxLength: MAX_CRON_EXPR_CHARS }),
      tz: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_TZ_CHARS })),
      /** Sent by OpenClaw clients; accepted and not applied. */
      staggerMs: Type.Optional(Int),
    },
    closed,
  ),
]);

/** What a run does: queue a system event (main session) or send an agent turn (isolated session). */
export const CronPayloadSchema = Type.Union([
  Type.Object({ kind: Type.Literal('systemEvent'), text: Type.String({ minLength: 1, maxLength: CRON_TEXT_MAX_CHARS }) }, closed),
  Type.Object(
    {
      kind: Type.Literal('agentTurn'),
      message: Type.String({ minLength: 1, maxLength: CRON_TEXT_MAX_CHARS }),
      timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
      // OpenClaw clients may send these; accepted so their cron.add works, not applied (delivery is `delivery`).
      model: Type.Optional(Type.String({ maxLength: 200 })),
      thinking: Type.Optional(Type.String({ maxLength: 32 })),
      allowUnsafeExternalContent: Type.Optional(Type.Boolean()),
      deliver: Type.Optional(Type.Boolean()),
      bestEffortDeliver: Type.Optional(Type.Boolean()),
      channel: Type.Optional(Type.String({ maxLength: CRON_CHANNEL_MAX_CHARS })),
      to: Type.Optional(Type.String({ maxLength: CRON_TO_MAX_CHARS })),
    },
    closed,
  ),
]);
export type CronPayload = Static<typeof CronPayloadSchema>;

/** Where an isolated run's result goes: nowhere, or announced on a chat channel target. */
export const CronDeliverySchema = Type.Union([
  // OpenClaw clients send channel (`last`) and to with `none` too; accepted and ignored.
  Type.Object(
    {
      mode: Type.Literal('none'),
      channel: Type.Optional(Type.String({ maxLength: CRON_CHANNEL_MAX_CHARS })),
      to: Type.Optional(Type.String({ maxLength: CRON_TO_MAX_CHARS })),
      bestEffort: Type.Optional(Type.Boolean()),
    },
    closed,
  ),
  Type.Object(
    {
      mode: Type.Literal('announce'),
      /** A channel id, or `last` (the default, as in OpenClaw): the chat that last talked to the agent. */
      channel: Type.Optional(Type.String({ minLength: 1, maxLength: CRON_CHANNEL_MAX_CHARS })),
      /** The chat on that channel; needed unless the channel is `last`. */
      to: Type.Optional(Type.String({ minLength: 1, maxLength: CRON_TO_MAX_CHARS })),
      /** OpenClaw's flag; delivery failures never fail the run here anyway. */
      bestEffort: Type.Optional(Type.Boolean()),
    },
    closed,
  ),
]);
export type CronDelivery = Static<typeof CronDeliverySchema>;

const SessionTarget = Type.Union([Type.Literal('main'), Type.Literal('isolated')]);
const WakeMode = Type.Union([Type.Literal('now'), Type.Literal('next-heartbeat')]);
const RunStatus = Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Literal('aborted')]);

/** A job's run state (OpenClaw's field names). */
export const CronJobStateSchema = Type.Object({
  nextRunAtMs: Type.Optional(Int),
  lastRunAtMs: Type.Optional(Int),
  lastStatus: Type.Optional(RunStatus),
  lastError: Type.Optional(Type.String()),
  consecutiveErrors: Int,
  runningAtMs: Type.Optional(Int),
});

/** A job as stored and as the methods return it. */
export const CronJobSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  agentId: Type.String(),
  enabled: Type.Boolean(),
  deleteAfterRun: Type.Boolean(),
  createdAtMs: Int,
  updatedAtMs: Int,
  schedule: CronScheduleSchema,
  sessionTarget: SessionTarget,
  wakeMode: WakeMode,
  payload: CronPayloadSchema,
  delivery: Type.Optional(CronDeliverySchema),
  state: CronJobStateSchema,
  /** Set when an agent added the job with its cron tool (absent: the owner added it). */
  createdBy: Type.Optional(Type.Object({ kind: Type.Literal('agent'), sessionKey: Type.String() })),
});
export type CronJob = Static<typeof CronJobSchema>;

/** What `cron.add` takes; sessionTarget follows the payload kind and wakeMode is `now` when left out. */
export const CronJobInputSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: CRON_NAME_MAX_CHARS }),
    schedule: CronScheduleSchema,
    sessionTarget: Type.Optional(SessionTarget),
    wakeMode: Type.Optional(WakeMode),
    payload: CronPayloadSchema,
    delivery: Type.Optional(CronDeliverySchema),
    /** null (as OpenClaw clients send it) means the default agent. */
    agentId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
    enabled: Type.Optional(Type.Boolean()),
    deleteAfterRun: Type.Optional(Type.Boolean()),
    // Sent by OpenClaw clients; accepted and not applied.
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    sessionKey: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])),
  },
  closed,
);
export type CronJobInput = Static<typeof CronJobInputSchema>;

/** What `cron.update` changes: any field of the input. */
export const CronJobPatchSchema = Type.Partial(CronJobInputSchema, closed);
export type CronJobPatch = Static<typeof CronJobPatchSchema>;

/** One ledger entry: a scheduled (or manual) time of a job and how its run went. */
export const CronRunEntrySchema = Type.Object({
  jobId: Type.String(),
  runId: Type.String(),
  scheduledAtMs: Int,
  manual: Type.Boolean(),
  startedAtMs: Int,
  endedAtMs: Type.Optional(Int),
  durationMs: Type.Optional(Int),
  status: Type.Union([Type.Literal('running'), RunStatus]),
  error: Type.Optional(Type.String()),
  errorCode: Type.Optional(Type.String()),
  summary: Type.Optional(Type.String()),
  sessionKey: Type.Optional(Type.String()),
  /** `skipped` times before this one (catch-up after downtime runs only the latest). */
  skipped: Type.Optional(Int),
  deliveryStatus: Type.Optional(Type.Union([Type.Literal('delivered'), Type.Literal('not-delivered'), Type.Literal('not-requested')])),
  deliveryError: Type.Optional(Type.String()),
});
export type CronRunEntry = Static<typeof CronRunEntrySchema>;
