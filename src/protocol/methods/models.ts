import { Type, type Static } from '@sinclair/typebox';
import { PROVIDER_ERROR_CLASSES } from '../provider-error-class.js';
import { defineMethod } from './define.js';

const closed = { additionalProperties: false } as const;
const NoParams = Type.Union([Type.Undefined(), Type.Object({}, closed)]);
const OptStr = Type.Optional(Type.String());

/** A model offered by a configured provider, as OpenClaw lists it: `id` without the provider (`provider/id` is its reference). */
export const ModelRowSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  provider: Type.String(),
  contextWindow: Type.Optional(Type.Integer({ minimum: 0 })),
});

/** A provider's health: key provenance (fingerprint only), state, and the fix when it is not ok. */
export const ProviderStatusSchema = Type.Object({
  id: Type.String(),
  api: Type.String(),
  baseUrl: OptStr,
  keySource: Type.String(),
  keyFingerprint: OptStr,
  state: Type.Union([Type.Literal('ok'), Type.Literal('cooldown'), Type.Literal('credential-rejected')]),
  errorClass: Type.Optional(Type.Union(PROVIDER_ERROR_CLASSES.map((c) => Type.Literal(c)))),
  untilMs: Type.Optional(Type.Integer({ minimum: 0 })),
  failures: Type.Optional(Type.Integer({ minimum: 0 })),
  detail: OptStr,
  fix: OptStr,
});
export type ProviderStatusRow = Static<typeof ProviderStatusSchema>;

/** models.list: the models of the configured providers (OpenClaw shape). */
export const modelsList = defineMethod({
  name: 'models.list',
  summary: 'Models offered by the configured providers (and the ones agents name).',
  params: NoParams,
  result: Type.Object({ models: Type.Array(ModelRowSchema) }),
  scope: 'operator.read',
});

/** models.status (Clawgate): each provider's health as the runtime sees it. */
export const modelsStatus = defineMethod({
  name: 'models.status',
  summary: 'Provider health: key source and fingerprint, ok / cooldown / credential-rejected, until when, the fix.',
  params: NoParams,
  result: Type.Object({ providers: Type.Array(ProviderStatusSchema) }),
  scope: 'operator.read',
});

/** models.reset (Clawgate): clear cooldowns and rejected-credential marks (one provider or all). */
export const modelsReset = defineMethod({
  name: 'models.reset',
  summary: 'Clear provider marks (cooldown, rejected credential) for one provider or all; lists those cleared.',
  params: Type.Union([Type.Undefined(), Type.Object({ provider: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }, closed)]),
  result: Type.Object({ reset: Type.Array(Type.String()) }),
  scope: 'operator.admin',
});
