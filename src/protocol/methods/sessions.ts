import { Type, type Static } from '@sinclair/typebox';
import { SESSION_LABEL_MAX_CHARS } from './agent.js';
import { defineMethod } from './define.js';

/** Most sessions one sessions.list call returns (also the default: OpenClaw clients send no limit). */
export const SESSIONS_LIST_MAX_LIMIT = 1000;
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
  model: Type.Optional(Type.String()),
  activeRunId: Type.Optional(Type.String()),
});
export type SessionRow = Static<typeof SessionRowSchema>;

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
  result: Type.Object({ count: Int, sessions: Type.Array(SessionRowSchema) }),
  scope: 'operator.read',
});
