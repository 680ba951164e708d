import { Type } from '@sinclair/typebox';
import { ChannelStatusSchema } from './channels.js';
import { defineMethod } from './define.js';
import { SessionDefaultsSchema } from './sessions.js';

const closed = { additionalProperties: false } as const;

export const health = defineMethod({
  name: 'health',
  summary: 'Liveness and a summary of channels, agents and sessions (OpenClaw health shape).',
  params: Type.Union([Type.Undefined(), Type.Object({ probe: Type.Optional(Type.Boolean()) }, closed)]),
  result: Type.Object({
    ok: Type.Boolean(),
    ts: Type.Integer(),
    durationMs: Type.Integer({ minimum: 0 }),
    channels: Type.Record(Type.String(), Type.Unknown()),
    channelOrder: Type.Array(Type.String()),
    channelLabels: Type.Record(Type.String(), Type.String()),
    heartbeatSeconds: Type.Integer({ minimum: 0 }),
    defaultAgentId: Type.String(),
    agents: Type.Array(Type.Unknown()),
    sessions: Type.Object({ path: Type.String(), count: Type.Integer({ minimum: 0 }), recent: Type.Array(Type.Unknown()) }),
  }),
  scope: null,
  roles: ['operator', 'node'],
});

const SecretInfo = Type.Object({
  source: Type.Union([Type.Literal('config'), Type.Literal('env'), Type.Literal('flag'), Type.Literal('none')]),
  fingerprint: Type.Optional(Type.String()),
});

export const status = defineMethod({
  name: 'status',
  summary: 'Gateway version, uptime, bind, auth provenance (fingerprint only) and device counts.',
  params: Type.Union([Type.Undefined(), Type.Object({}, closed)]),
  result: Type.Object({
    ok: Type.Literal(true),
    version: Type.String(),
    protocol: Type.Integer(),
    pid: Type.Integer(),
    startedAtMs: Type.Integer(),
    uptimeMs: Type.Integer({ minimum: 0 }),
    bind: Type.Object({ mode: Type.String(), host: Type.String(), port: Type.Integer() }),
    auth: Type.Object({ mode: Type.String(), token: SecretInfo }),
    devices: Type.Object({ paired: Type.Integer({ minimum: 0 }), pending: Type.Integer({ minimum: 0 }) }),
    connections: Type.Integer({ minimum: 0 }),
    stateDirId: Type.String(),
    stateDir: Type.Optional(Type.String()),
    configPath: Type.Optional(Type.String()),
    /** Sessions in OpenClaw's status shape: defaults, count, the most recent with model and tokens (paths for admins). */
    sessions: Type.Optional(
      Type.Object({
        paths: Type.Array(Type.String()),
        defaults: SessionDefaultsSchema,
        count: Type.Integer({ minimum: 0 }),
        recent: Type.Array(
          Type.Object({
            key: Type.String(),
            agentId: Type.String(),
            kind: Type.String(),
            updatedAt: Type.Integer(),
            /** Milliseconds since its last activity. */
            age: Type.Integer({ minimum: 0 }),
            model: Type.Optional(Type.String()),
            inputTokens: Type.Optional(Type.Integer({ minimum: 0 })),
            outputTokens: Type.Optional(Type.Integer({ minimum: 0 })),
            totalTokens: Type.Optional(Type.Integer({ minimum: 0 })),
            contextTokens: Type.Optional(Type.Integer({ minimum: 0 })),
          }),
        ),
      }),
    ),
    /** Chat channels (Telegram): state, last error and fix. */
    channels: Type.Optional(Type.Array(ChannelStatusSchema)),
    agents: Type.Optional(
      Type.Object({
        sessions: Type.Integer({ minimum: 0 }),
        activeRuns: Type.Integer({ minimum: 0 }),
        /** Providers that are not ok: marked by a failure, with the fix. */
        providers: Type.Array(
          Type.Object({
            id: Type.String(),
            state: Type.String(),
            errorClass: Type.Optional(Type.String()),
            untilMs: Type.Optional(Type.Integer()),
            detail: Type.Optional(Type.String()),
            fix: Type.Optional(Type.String()),
          }),
        ),
        /** How commands are guarded and where they run (tools.exec.security/ask/sandbox). */
        exec: Type.Optional(
          Type.Object({
            security: Type.String(),
            ask: Type.String(),
            sandbox: Type.Object({ setting: Type.String(), mode: Type.String(), reason: Type.String(), fix: Type.Optional(Type.String()) }),
          }),
        ),
        lastFailure: Type.Optional(
          Type.Object({ atMs: Type.Integer(), runId: Type.String(), sessionKey: Type.String(), code: Type.String(), errorClass: Type.Optional(Type.String()), providerId: Type.Optional(Type.String()), message: Type.String() }),
        ),
      }),
    ),
  }),
  scope: 'operator.read',
});

export const systemPresence = defineMethod({
  name: 'system-presence',
  summary: 'Connected clients.',
  params: Type.Union([Type.Undefined(), Type.Object({}, closed)]),
  result: Type.Array(Type.Object({ ts: Type.Integer() }, { additionalProperties: true })),
  scope: 'operator.read',
});
