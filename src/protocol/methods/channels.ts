import { Type } from '@sinclair/typebox';
import { defineMethod } from './define.js';

const closed = { additionalProperties: false } as const;
const OptStr = Type.Optional(Type.String());

/** A channel's state (src/channels/channel.ts ChannelStatus): never the token, only its source and fingerprint. */
export const ChannelStatusSchema = Type.Object({
  channel: Type.String(),
  configured: Type.Boolean(),
  state: Type.Union([Type.Literal('running'), Type.Literal('stopped'), Type.Literal('failed'), Type.Literal('conflict'), Type.Literal('starting')]),
  account: OptStr,
  tokenSource: OptStr,
  tokenFingerprint: OptStr,
  lastError: OptStr,
  lastErrorAtMs: Type.Optional(Type.Integer({ minimum: 0 })),
  fix: OptStr,
  pendingPairings: Type.Optional(Type.Integer({ minimum: 0 })),
  allowedSenders: Type.Optional(Type.Integer({ minimum: 0 })),
});

/** channels.status (Clawgate): each chat channel's state, account, token provenance, last error and fix. */
export const channelsStatus = defineMethod({
  name: 'channels.status',
  summary: 'Chat channels: running / stopped / failed / conflict, bot account, token source and fingerprint, last error, the fix.',
  params: Type.Union([Type.Undefined(), Type.Object({}, closed)]),
  result: Type.Object({ channels: Type.Array(ChannelStatusSchema) }),
  scope: 'operator.read',
});
