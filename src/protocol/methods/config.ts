import { Type } from '@sinclair/typebox';
import { defineMethod } from './define.js';

const Issue = Type.Object({ path: Type.String(), message: Type.String() });

/** config.get: the config file as the gateway reads it now, secrets redacted (OpenClaw snapshot shape). */
export const configGet = defineMethod({
  name: 'config.get',
  summary: 'The current config file, validated, with secrets redacted.',
  params: Type.Union([Type.Undefined(), Type.Object({}, { additionalProperties: false })]),
  result: Type.Object({
    path: Type.Optional(Type.String()),
    exists: Type.Boolean(),
    valid: Type.Boolean(),
    issues: Type.Array(Issue),
    legacyIssues: Type.Array(Issue),
    config: Type.Record(Type.String(), Type.Unknown()),
    hash: Type.Optional(Type.String()),
  }),
  scope: 'operator.read',
});
