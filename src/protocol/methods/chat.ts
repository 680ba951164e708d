import { Type, type Static } from '@sinclair/typebox';
import { MAX_MESSAGE_CHARS } from '../limits.js';
import { MAX_SESSION_KEY_CHARS } from '../session-key.js';
import { defineMethod } from './define.js';

/** Longest idempotency key (it becomes the run id). */
export const IDEMPOTENCY_KEY_MAX_CHARS = 256;
/** Most transcript entries one chat.history call returns. */
export const CHAT_HISTORY_MAX_LIMIT = 1000;
/** Entries chat.history returns when the caller gives no limit (OpenClaw's default). */
export const CHAT_HISTORY_DEFAULT_LIMIT = 200;

const closed = { additionalProperties: false } as const;
/** Session keys as sent; the runtime normalises (`main` means the default agent's main session). */
export const SessionKeyParam = Type.String({ minLength: 1, maxLength: MAX_SESSION_KEY_CHARS });
export const IdempotencyKey = Type.String({ minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX_CHARS });
/** A user message: never empty, bounded. */
export const MessageParam = Type.String({ minLength: 1, maxLength: MAX_MESSAGE_CHARS });
const OptStr = Type.Optional(Type.String());

/** A text block of a transcript message, as OpenClaw clients render it. */
export const WireTextBlockSchema = Type.Object({ type: Type.Literal('text'), text: Type.String() });
/** A tool call block of an assistant message. */
export const WireToolCallBlockSchema = Type.Object({
  type: Type.Literal('toolCall'),
  id: Type.String(),
  name: Type.String(),
  arguments: Type.Record(Type.String(), Type.Unknown()),
});

/** One transcript message in OpenClaw's chat.history shape. */
export const WireMessageSchema = Type.Object({
  role: Type.Union([Type.Literal('user'), Type.Literal('assistant'), Type.Literal('toolResult')]),
  content: Type.Array(Type.Union([WireTextBlockSchema, WireToolCallBlockSchema])),
  timestamp: Type.Integer({ minimum: 0 }),
  toolCallId: Type.Optional(Type.String()),
  toolName: Type.Optional(Type.String()),
  isError: Type.Optional(Type.Boolean()),
  /** How long a tool call took, on its result (a Clawgate addition; clients that do not know it ignore it). */
  durationMs: Type.Optional(Type.Number({ minimum: 0 })),
});
export type WireMessage = Static<typeof WireMessageSchema>;
export type WireContentBlock = WireMessage['content'][number];

/** chat.send: start a run of the session's agent on a message; the reply streams as `chat` events. */
export const chatSend = defineMethod({
  name: 'chat.send',
  summary: 'Send a message to a session; the run streams as chat events. The idempotency key is the run id.',
  params: Type.Object(
    {
      sessionKey: SessionKeyParam,
      message: MessageParam,
      thinking: OptStr,
      deliver: Type.Optional(Type.Boolean()),
      attachments: Type.Optional(Type.Array(Type.Unknown())),
      timeoutMs: Type.Optional(Type.Integer({ minimum: 0 })),
      idempotencyKey: IdempotencyKey,
      // Sent by newer OpenClaw clients; accepted and ignored (routing Clawgate does not do yet).
      agentId: OptStr,
      sessionId: OptStr,
      fastMode: Type.Optional(Type.Boolean()),
      originatingChannel: OptStr,
      originatingTo: OptStr,
      originatingAccountId: OptStr,
      originatingThreadId: OptStr,
      systemInputProvenance: Type.Optional(Type.Unknown()),
      systemProvenanceReceipt: OptStr,
    },
    closed,
  ),
  result: Type.Object({ runId: Type.String(), status: Type.Union([Type.Literal('started'), Type.Literal('in_flight')]) }),
  scope: 'operator.write',
});

/** chat.history: the session's transcript, oldest first; an unknown session has no messages. */
export const chatHistory = defineMethod({
  name: 'chat.history',
  summary: 'The last messages of a session (OpenClaw message shape); an unknown session returns none.',
  params: Type.Object(
    {
      sessionKey: SessionKeyParam,
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: CHAT_HISTORY_MAX_LIMIT })),
      agentId: OptStr,
      maxChars: Type.Optional(Type.Integer({ minimum: 1 })),
    },
    closed,
  ),
  result: Type.Object({ sessionKey: Type.String(), sessionId: Type.String(), messages: Type.Array(WireMessageSchema) }),
  scope: 'operator.read',
});

/** chat.abort: stop the session's running and queued runs, or one of them. */
export const chatAbort = defineMethod({
  name: 'chat.abort',
  summary: "Abort a session's runs (or only runId); lists the runs aborted.",
  params: Type.Object({ sessionKey: SessionKeyParam, runId: Type.Optional(IdempotencyKey), agentId: OptStr }, closed),
  result: Type.Object({ ok: Type.Literal(true), aborted: Type.Boolean(), runIds: Type.Array(Type.String()) }),
  scope: 'operator.write',
});
