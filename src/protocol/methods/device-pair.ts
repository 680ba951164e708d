import { Type } from '@sinclair/typebox';
import { defineMethod } from './define.js';
import { PairedDeviceSchema, PendingRequestSchema } from './views.js';

const Id = Type.String({ minLength: 1, maxLength: 128 });
const closed = { additionalProperties: false } as const;

export const devicePairList = defineMethod({
  name: 'device.pair.list',
  summary: 'Pending pairing requests (newest first) and paired devices (newest approval first).',
  params: Type.Union([Type.Undefined(), Type.Object({}, closed)]),
  result: Type.Object({ pending: Type.Array(PendingRequestSchema), paired: Type.Array(PairedDeviceSchema) }),
  scope: 'operator.pairing',
});

export const devicePairApprove = defineMethod({
  name: 'device.pair.approve',
  summary: 'Approve a pending request (a unique prefix of its id is accepted).',
  params: Type.Object({ requestId: Id }, closed),
  result: Type.Object({ requestId: Type.String(), device: PairedDeviceSchema }),
  scope: 'operator.pairing',
});

export const devicePairReject = defineMethod({
  name: 'device.pair.reject',
  summary: 'Reject a pending request.',
  params: Type.Object({ requestId: Id }, closed),
  result: Type.Object({ requestId: Type.String(), deviceId: Type.String() }),
  scope: 'operator.pairing',
});

export const devicePairRemove = defineMethod({
  name: 'device.pair.remove',
  summary: 'Remove a paired device with its tokens; non-admin callers may remove only themselves.',
  params: Type.Object({ deviceId: Id }, closed),
  result: Type.Object({ deviceId: Type.String() }),
  scope: 'operator.pairing',
});
