import { Type } from '@sinclair/typebox';
import { defineMethod } from './define.js';

/**
 * dashboard.link.create (Clawgate): a single-use code for a `clawgate dashboard` link. The browser that opens the
 * link presents it once in `connect.auth.bootstrapToken`; it pairs that browser's key (role operator, up to the
 * scopes listed) and nothing else. It works for one minute and only against this gateway run.
 */
export const dashboardLinkCreate = defineMethod({
  name: 'dashboard.link.create',
  summary: 'Issue a single-use code (1 minute) that pairs the one browser key presenting it, for a dashboard link.',
  params: Type.Union([Type.Undefined(), Type.Object({}, { additionalProperties: false })]),
  result: Type.Object({
    code: Type.String(),
    expiresAtMs: Type.Integer({ minimum: 0 }),
    scopes: Type.Array(Type.String()),
  }),
  scope: 'operator.admin',
});
