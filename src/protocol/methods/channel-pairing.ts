import { Type } from '@sinclair/typebox';
import { defineMethod } from './define.js';

const closed = { additionalProperties: false } as const;
const Channel = Type.String({ minLength: 1, maxLength: 32 });
const Code = Type.String({ minLength: 1, maxLength: 32 });

/** A DM pairing code waiting for the owner. */
export const ChannelPairingRequestSchema = Type.Object({
  channel: Type.String(),
  code: Type.String(),
  senderId: Type.String(),
  senderName: Type.Optional(Type.String()),
  chatId: Type.String(),
  createdAtMs: Type.Integer({ minimum: 0 }),
  expiresAtMs: Type.Integer({ minimum: 0 }),
});

/** A sender approved to talk to the agent over a channel. */
export const ChannelAllowedSenderSchema = Type.Object({
  channel: Type.String(),
  senderId: Type.String(),
  senderName: Type.Optional(Type.String()),
  approvedAtMs: Type.Integer({ minimum: 0 }),
  approvedBy: Type.String(),
});

/** channel.pairing.list (Clawgate): pending DM codes and approved senders, of one channel or all. */
export const channelPairingList = defineMethod({
  name: 'channel.pairing.list',
  summary: 'Pending DM pairing codes and approved senders (of one channel, or all).',
  params: Type.Union([Type.Undefined(), Type.Object({ channel: Type.Optional(Channel) }, closed)]),
  result: Type.Object({ pending: Type.Array(ChannelPairingRequestSchema), allowed: Type.Array(ChannelAllowedSenderSchema) }),
  scope: 'operator.pairing',
});

/**
 * channel.pairing.approve (Clawgate): the sender of a code may talk to the agent from now on. operator.admin,
 * not operator.pairing: it lets an outside person run the agent (its model, tools and sessions), which is
 * more than approving a device for scopes the approver already holds. `notified`: this gateway's channel runs and
 * tells the sender (once, from the approval's audit row, as for an approval the CLI made on the store).
 */
export const channelPairingApprove = defineMethod({
  name: 'channel.pairing.approve',
  summary: 'Approve a DM pairing code: its sender may talk to the agent (kept in state.db).',
  params: Type.Object({ channel: Channel, code: Code }, closed),
  result: Type.Object({ request: ChannelPairingRequestSchema, sender: ChannelAllowedSenderSchema, notified: Type.Boolean() }),
  scope: 'operator.admin',
});

/** channel.pairing.reject (Clawgate): drop a pending code; its sender may ask again later. */
export const channelPairingReject = defineMethod({
  name: 'channel.pairing.reject',
  summary: 'Reject a DM pairing code (it is removed).',
  params: Type.Object({ channel: Channel, code: Code }, closed),
  result: Type.Object({ request: ChannelPairingRequestSchema }),
  scope: 'operator.pairing',
});

/**
 * channel.pairing.revoke (Clawgate): take back an approval; the sender's messages no longer reach the agent.
 * operator.admin like approve: it decides who may run the agent.
 */
export const channelPairingRevoke = defineMethod({
  name: 'channel.pairing.revoke',
  summary: 'Revoke an approved sender (by user id or @username): their messages no longer reach the agent.',
  params: Type.Object({ channel: Channel, sender: Type.String({ minLength: 1, maxLength: 64 }) }, closed),
  result: Type.Object({ sender: ChannelAllowedSenderSchema }),
  scope: 'operator.admin',
});
