import { Type } from '@sinclair/typebox';
import { defineMethod } from './define.js';

const Id = Type.String({ minLength: 1, maxLength: 128 });
const Role = Type.String({ minLength: 1, maxLength: 32 });
const closed = { additionalProperties: false } as const;

export const deviceTokenRotate = defineMethod({
  name: 'device.token.rotate',
  summary:
    'Issue a new token for (device, role). The caller receives it only for its own device; another device gets it on its next connect.',
  params: Type.Object(
    { deviceId: Id, role: Role, scopes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 32 })) },
    closed,
  ),
  result: Type.Object({
    deviceId: Type.String(),
    role: Type.String(),
    token: Type.Optional(Type.String()),
    scopes: Type.Array(Type.String()),
    rotatedAtMs: Type.Integer({ minimum: 0 }),
    delivery: Type.Union([Type.Literal('response'), Type.Literal('next-connect')]),
  }),
  scope: 'operator.pairing',
});

export const deviceTokenRevoke = defineMethod({
  name: 'device.token.revoke',
  summary: 'Revoke the token for (device, role), keeping the pairing record; the device is approved again or proves the gateway token.',
  params: Type.Object({ deviceId: Id, role: Role }, closed),
  result: Type.Object({ deviceId: Type.String(), role: Type.String(), revokedAtMs: Type.Integer({ minimum: 0 }) }),
  scope: 'operator.pairing',
});
