import { Type } from '@sinclair/typebox';
import { defineMethod } from './define.js';

/** gateway.token.reload: re-resolve the gateway token (flag, env, then config as it is now). */
export const gatewayTokenReload = defineMethod({
  name: 'gateway.token.reload',
  summary: 'Re-read the gateway token through the resolver; connections already open stay open.',
  params: Type.Union([Type.Undefined(), Type.Object({}, { additionalProperties: false })]),
  result: Type.Object({
    source: Type.Union([Type.Literal('config'), Type.Literal('env'), Type.Literal('flag'), Type.Literal('none')]),
    fingerprint: Type.Optional(Type.String()),
    changed: Type.Boolean(),
  }),
  scope: 'operator.admin',
});
