import { Type } from '@sinclair/typebox';
import { MAX_MESSAGE_CHARS } from '../limits.js';
import { PROVIDER_ERROR_CLASSES } from '../provider-error-class.js';
import { IdempotencyKey, MessageParam, SessionKeyParam } from './chat.js';
import { defineMethod } from './define.js';

/** How long agent.wait waits when the caller names no timeout. */
export const AGENT_WAIT_DEFAULT_MS = 30_000;
/** Longest agent.wait; a longer timeoutMs is clamped to it (OpenClaw clients may ask for more). */
export const AGENT_WAIT_MAX_MS = 10 * 60_000;
/** Longest session label. */
export const SESSION_LABEL_MAX_CHARS = 128;

const closed = { additionalProperties: false } as const;
const OptStr = Type.Optional(Type.String());
const AgentId = Type.String({ minLength: 1, maxLength: 64 });

/**
 * agent: start a run (OpenClaw's `agent` method). Two responses share the request id: `accepted` at once,
 * then, when the run ends, `ok` with the reply text (or an error frame with the run's classified error).
 */
export const agent = defineMethod({
  name: 'agent',
  summary: "Start a run of an agent on a message (default: the default agent's main session); wait with agent.wait.",
  params: Type.Object(
    {
      message: MessageParam,
      agentId: Type.Optional(AgentId),
      sessionKey: Type.Optional(SessionKeyParam),
      idempotencyKey: IdempotencyKey,
      /** Seconds; 0 or absent means the agent's configured timeout. */
      timeout: Type.Optional(Type.Integer({ minimum: 0 })),
      label: Type.Optional(Type.String({ maxLength: SESSION_LABEL_MAX_CHARS })),
      extraSystemPrompt: Type.Optional(Type.String({ maxLength: MAX_MESSAGE_CHARS })),
      // OpenClaw's routing and delivery fields: accepted and ignored (no channels yet).
      provider: OptStr,
      model: OptStr,
      to: OptStr,
      replyTo: OptStr,
      sessionId: OptStr,
      thinking: OptStr,
      deliver: Type.Optional(Type.Boolean()),
      bestEffortDeliver: Type.Optional(Type.Boolean()),
      attachments: Type.Optional(Type.Array(Type.Unknown())),
      channel: OptStr,
      replyChannel: OptStr,
      accountId: OptStr,
      replyAccountId: OptStr,
      threadId: OptStr,
      groupId: OptStr,
      groupChannel: OptStr,
      groupSpace: OptStr,
      lane: OptStr,
      bootstrapContextMode: OptStr,
      bootstrapContextRunKind: OptStr,
      internalEvents: Type.Optional(Type.Array(Type.Unknown())),
      inputProvenance: Type.Optional(Type.Unknown()),
      spawnedBy: OptStr,
    },
    closed,
  ),
  result: Type.Union([
    Type.Object({ runId: Type.String(), status: Type.Literal('accepted'), acceptedAt: Type.Integer({ minimum: 0 }) }),
    // The second response, when the run ended well; a failed run's second response is an error frame.
    Type.Object({
      runId: Type.String(),
      status: Type.Literal('ok'),
      summary: Type.String(),
      result: Type.Object({
        payloads: Type.Array(Type.Object({ text: Type.String() })),
        meta: Type.Object({ durationMs: Type.Integer({ minimum: 0 }), usage: Type.Optional(Type.Object({ inputTokens: Type.Number(), outputTokens: Type.Number() })) }),
      }),
    }),
  ]),
  scope: 'operator.write',
});

/**
 * agent.wait: wait for a run to end. `timeout` means the wait or the run timed out; an unknown runId waits
 * out the timeout (OpenClaw's behaviour). errorCode (catalogue code) and errorClass are Clawgate additions.
 */
export const agentWait = defineMethod({
  name: 'agent.wait',
  summary: 'Wait (bounded) for a run to end; status ok, error, aborted or timeout, with the classified error.',
  params: Type.Object({ runId: IdempotencyKey, timeoutMs: Type.Optional(Type.Integer({ minimum: 0 })) }, closed),
  result: Type.Object({
    runId: Type.String(),
    status: Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Literal('aborted'), Type.Literal('timeout')]),
    startedAt: Type.Optional(Type.Integer({ minimum: 0 })),
    endedAt: Type.Optional(Type.Integer({ minimum: 0 })),
    error: OptStr,
    errorCode: OptStr,
    errorClass: Type.Optional(Type.Union(PROVIDER_ERROR_CLASSES.map((c) => Type.Literal(c)))),
  }),
  scope: 'operator.write',
});

/** agents.list: the configured agents (OpenClaw shape; sessions are per sender, main key `main`). */
export const agentsList = defineMethod({
  name: 'agents.list',
  summary: 'Configured agents and the default one.',
  params: Type.Union([Type.Undefined(), Type.Object({}, closed)]),
  result: Type.Object({
    defaultId: Type.String(),
    mainKey: Type.Literal('main'),
    scope: Type.Literal('per-sender'),
    agents: Type.Array(Type.Object({ id: Type.String(), name: Type.Optional(Type.String()) })),
  }),
  scope: 'operator.read',
});
