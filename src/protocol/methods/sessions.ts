import { Type, type Static } from '@sinclair/typebox';
import { SESSION_LABEL_MAX_CHARS } from './agent.js';
import { MAX_SESSION_KEY_CHARS } from '../session-key.js';
import { defineMethod } from './define.js';

/** Most sessions one sessions.list call returns (also the default: OpenClaw clients send no limit). */
export const SESSIONS_LIST_MAX_LIMIT = 1000;
/** Longest model reference a session may be set to. */
export const MODEL_REF_MAX_CHARS = 200;
/** Longest search string. */
export const SESSIONS_SEARCH_MAX_CHARS = 200;

const Int = Type.Integer({ minimum: 0 });

/** A session as sessions.list shows it; spawnedBy is the parent session's key (sub-agents). */
export const SessionRowSchema = Type.Object({
  key: Type.String(),
  agentId: Type.String(),
  kind: Type.Union([Type.Literal('main'), Type.Literal('subagent'), Type.Literal('other')]),
  label: Type.Optional(Type.String()),
  spawnedBy: Type.Optional(Type.String()),
  updatedAt: Int,
  createdAt: Int,
  messageCount: Int,
  /** The model the session's next run uses (`provider/model`): its override, else its agent's. */
  model: Type.Optional(Type.String()),
  /** Set when the model is the session's own override (sessions.patch), not its agent's. */
  modelOverride: Type.Optional(Type.String()),
  activeRunId: Type.Optional(Type.String()),
  /** Input and output tokens of all the session's runs (absent before the first). */
  inputTokens: Type.Optional(Int),
  outputTokens: Type.Optional(Int),
  /** Input plus output tokens of the last model call: how full the context was (OpenClaw's footer reads it). */
  totalTokens: Type.Optional(Int),
  /** The model's context window, when its provider's config names it. */
  contextTokens: Type.Optional(Int),
});
export type SessionRow = Static<typeof SessionRowSchema>;

/** What a session gets unless it says otherwise: the default agent's model and its context window. */
export const SessionDefaultsSchema = Type.Object({
  model: Type.Optional(Type.String()),
  contextTokens: Type.Optional(Int),
});
export type SessionDefaults = Static<typeof SessionDefaultsSchema>;

/** sessions.list: sessions, most recently updated first, filtered. */
export const sessionsList = defineMethod({
  name: 'sessions.list',
  summary: 'Sessions, newest activity first; filters: agentId, spawnedBy, label, search, activeMinutes.',
  params: Type.Union([
    Type.Undefined(),
    Type.Object(
      {
        limit: Type.Optional(Type.Integer({ minimum: 1 })),
        agentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        spawnedBy: Type.Optional(Type.String({ minLength: 1 })),
        label: Type.Optional(Type.String({ maxLength: SESSION_LABEL_MAX_CHARS })),
        search: Type.Optional(Type.String({ maxLength: SESSIONS_SEARCH_MAX_CHARS })),
        activeMinutes: Type.Optional(Type.Integer({ minimum: 1 })),
        // OpenClaw's presentation options: accepted; Clawgate has no global/unknown sessions or derived titles.
        includeGlobal: Type.Optional(Type.Boolean()),
        includeUnknown: Type.Optional(Type.Boolean()),
        includeDerivedTitles: Type.Optional(Type.Boolean()),
        includeLastMessage: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false },
    ),
  ]),
  result: Type.Object({ count: Int, defaults: SessionDefaultsSchema, sessions: Type.Array(SessionRowSchema) }),
  scope: 'operator.read',
});

const SessionKey = Type.String({ minLength: 1, maxLength: MAX_SESSION_KEY_CHARS });
const closed = { additionalProperties: false } as const;

/** sessions.patch: set or clear (null) a session's label or model override (OpenClaw's params; the rest are not kept). */
export const sessionsPatch = defineMethod({
  name: 'sessions.patch',
  summary: "Set or clear (null) a session's label or model (provider/model); answers the updated row.",
  params: Type.Object(
    {
      key: SessionKey,
      label: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: SESSION_LABEL_MAX_CHARS }), Type.Null()])),
      model: Type.Optional(Type.Union([Type.String({ minLength: 3, maxLength: MODEL_REF_MAX_CHARS }), Type.Null()])),
    },
    closed,
  ),
  result: Type.Object({
    ok: Type.Literal(true),
    key: Type.String(),
    entry: SessionRowSchema,
    resolved: Type.Object({ modelProvider: Type.Optional(Type.String()), model: Type.Optional(Type.String()) }),
  }),
  scope: 'operator.admin',
});

/** sessions.reset: start the session over: its runs are aborted, its processes killed, its transcript deleted. */
export const sessionsReset = defineMethod({
  name: 'sessions.reset',
  summary: 'Start a session over (abort its runs, kill its processes, delete its transcript); label and model stay.',
  params: Type.Object({ key: SessionKey, reason: Type.Optional(Type.String({ maxLength: 64 })) }, closed),
  result: Type.Object({ ok: Type.Literal(true), key: Type.String(), entry: SessionRowSchema, cleared: Int, aborted: Type.Array(Type.String()) }),
  scope: 'operator.admin',
});

/** sessions.delete: remove a session and its transcript (its sub-agents keep theirs). */
export const sessionsDelete = defineMethod({
  name: 'sessions.delete',
  summary: 'Remove a session and its transcript, after aborting its runs and killing its processes.',
  params: Type.Object({ key: SessionKey, deleteTranscript: Type.Optional(Type.Boolean()) }, closed),
  result: Type.Object({ ok: Type.Literal(true), key: Type.String(), deleted: Type.Boolean(), aborted: Type.Array(Type.String()) }),
  scope: 'operator.admin',
});
