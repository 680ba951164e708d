import { Type, type Static } from '@sinclair/typebox';

const Str = Type.String();
const Int = Type.Integer({ minimum: 0 });

/** What a device says about itself, in pending requests and paired devices alike. */
const deviceFields = {
  deviceId: Str,
  publicKey: Str,
  displayName: Type.Optional(Str),
  platform: Type.Optional(Str),
  deviceFamily: Type.Optional(Str),
  clientId: Type.Optional(Str),
  clientMode: Type.Optional(Str),
};

/** A pending pairing request as the wire shows it (protocol-v3 §10). */
export const PendingRequestSchema = Type.Object({
  requestId: Str,
  ...deviceFields,
  role: Type.Optional(Str),
  roles: Type.Optional(Type.Array(Str)),
  scopes: Type.Optional(Type.Array(Str)),
  remoteIp: Type.Optional(Str),
  silent: Type.Optional(Type.Boolean()),
  isRepair: Type.Optional(Type.Boolean()),
  reason: Type.Optional(Str),
  ts: Int,
  firstSeenAtMs: Type.Optional(Int),
  expiresAtMs: Type.Optional(Int),
});
export type PendingRequestView = Static<typeof PendingRequestSchema>;

export const TokenViewSchema = Type.Object({
  role: Str,
  scopes: Type.Array(Str),
  createdAtMs: Int,
  rotatedAtMs: Type.Optional(Int),
  revokedAtMs: Type.Optional(Int),
  lastUsedAtMs: Type.Optional(Int),
  /** Short fingerprint of the active token (never the token). Absent while awaiting delivery. */
  fingerprint: Type.Optional(Str),
  /** True when a new token waits for the device's next connect. */
  awaitingDelivery: Type.Optional(Type.Boolean()),
});
export type TokenView = Static<typeof TokenViewSchema>;

/** A paired device as the wire shows it: no approvedScopes, tokens as an array, never token strings. */
export const PairedDeviceSchema = Type.Object({
  ...deviceFields,
  role: Type.Optional(Str),
  roles: Type.Array(Str),
  scopes: Type.Array(Str),
  remoteIp: Type.Optional(Str),
  tokens: Type.Optional(Type.Array(TokenViewSchema)),
  createdAtMs: Int,
  approvedAtMs: Int,
  lastSeenAtMs: Type.Optional(Int),
});
export type PairedDeviceView = Static<typeof PairedDeviceSchema>;
