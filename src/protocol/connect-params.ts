import { Type, type Static } from '@sinclair/typebox';
import { compile } from './schema.js';

const NonEmpty = (max = 256) => Type.String({ minLength: 1, maxLength: max });

/** `connect` params (protocol-v3 §2.3). client.id is not enumerated: unknown clients are allowed. */
export const ConnectParamsSchema = Type.Object(
  {
    minProtocol: Type.Integer({ minimum: 1 }),
    maxProtocol: Type.Integer({ minimum: 1 }),
    client: Type.Object(
      {
        id: NonEmpty(64),
        mode: NonEmpty(32),
        version: NonEmpty(64),
        platform: NonEmpty(64),
        displayName: Type.Optional(NonEmpty(128)),
        deviceFamily: Type.Optional(NonEmpty(64)),
        modelIdentifier: Type.Optional(NonEmpty(128)),
        instanceId: Type.Optional(NonEmpty(128)),
      },
      { additionalProperties: false },
    ),
    role: Type.Optional(Type.String({ maxLength: 32 })),
    scopes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 32 })),
    caps: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 64 })),
    commands: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { maxItems: 256 })),
    permissions: Type.Optional(Type.Record(Type.String({ maxLength: 128 }), Type.Boolean())),
    pathEnv: Type.Optional(Type.String({ maxLength: 8192 })),
    locale: Type.Optional(Type.String({ maxLength: 64 })),
    userAgent: Type.Optional(Type.String({ maxLength: 512 })),
    auth: Type.Optional(
      Type.Object(
        {
          token: Type.Optional(Type.String({ maxLength: 1024 })),
          password: Type.Optional(Type.String({ maxLength: 1024 })),
          deviceToken: Type.Optional(Type.String({ maxLength: 1024 })),
          // Protocol v4's name for a single-use setup code; here, the code of a `clawgate dashboard` link.
          bootstrapToken: Type.Optional(Type.String({ maxLength: 1024 })),
        },
        { additionalProperties: false },
      ),
    ),
    device: Type.Optional(
      Type.Object(
        {
          id: NonEmpty(128),
          publicKey: NonEmpty(1024),
          signature: NonEmpty(256),
          signedAt: Type.Integer({ minimum: 0 }),
          nonce: Type.Optional(Type.String({ maxLength: 128 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ConnectParams = Static<typeof ConnectParamsSchema>;
export const connectParams = compile(ConnectParamsSchema);

/** `connect.challenge` payload. */
export interface ChallengePayload {
  nonce: string;
  ts: number;
}

/** `hello-ok.auth`: the stored device token, sent only when it was just minted. */
export interface HelloAuth {
  deviceToken: string;
  role: string;
  scopes: string[];
  issuedAtMs?: number;
}

/** `hello-ok` payload (protocol-v3 §6). */
export interface HelloOk {
  type: 'hello-ok';
  protocol: number;
  server: { version: string; connId: string };
  features: { methods: string[]; events: string[] };
  snapshot: {
    presence: PresenceEntry[];
    health: Record<string, unknown>;
    stateVersion: { presence: number; health: number };
    uptimeMs: number;
    configPath?: string;
    stateDir?: string;
    sessionDefaults?: { defaultAgentId: string; mainKey: string; mainSessionKey: string };
    authMode?: 'none' | 'token';
  };
  auth?: HelloAuth;
  policy: { maxPayload: number; maxBufferedBytes: number; tickIntervalMs: number };
}

/** One connected client as `system-presence` and `hello-ok.snapshot.presence` list it. */
export interface PresenceEntry {
  host?: string;
  ip?: string;
  version?: string;
  platform?: string;
  deviceFamily?: string;
  mode?: string;
  reason?: string;
  deviceId?: string;
  roles?: string[];
  scopes?: string[];
  instanceId?: string;
  text?: string;
  ts: number;
}
