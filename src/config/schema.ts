import { Type, type Static } from '@sinclair/typebox';
import { compile } from '../protocol/schema.js';
import { DURATION_PATTERN } from '../util/duration.js';
import { isLoopbackHostname } from '../util/loopback.js';

const closed = { additionalProperties: false } as const;

/** Default port of the control plane. */
export const DEFAULT_PORT = 18789;

/** Provider and agent ids: lower-case, digits, `_` and `-`; they appear in model refs and session keys. */
export const ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$';
/** Environment variable names a key may be read from. */
export const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';
/** Bounds of the agents and models sections (a config file is at most 1 MiB anyway). */
export const CONFIG_LIMITS = {
  providers: 64,
  modelsPerProvider: 256,
  headers: 32,
  headerValueChars: 4096,
  agents: 64,
  systemPromptChars: 65_536,
  toolPatterns: 128,
  maxSpawnDepth: 5,
  /** Runs at once; each holds little memory (the bench streams 100 sessions at once in about 50 MB). */
  maxConcurrent: 256,
} as const;

const Id = Type.String({ pattern: ID_PATTERN });
const Seconds = Type.Integer({ minimum: 1, maximum: 86_400 });
/** `provider/model`; the form is checked by semanticProblems so its message can name the fix. */
const ModelRef = Type.String({ minLength: 1, maxLength: 256 });
const ApiKey = Type.Union([
  Type.String({ minLength: 1, maxLength: 4096 }),
  Type.Object({ env: Type.String({ pattern: ENV_NAME_PATTERN, maxLength: 128 }) }, closed),
]);

const ProviderSchema = Type.Object(
  {
    api: Type.Union([Type.Literal('openai-completions'), Type.Literal('anthropic-messages')]),
    baseUrl: Type.Optional(Type.String({ pattern: '^[hH][tT][tT][pP][sS]?://', maxLength: 2048 })),
    apiKey: Type.Optional(ApiKey),
    headers: Type.Optional(
      Type.Record(Type.String({ pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$" }), Type.String({ maxLength: CONFIG_LIMITS.headerValueChars }), {
        maxProperties: CONFIG_LIMITS.headers,
        additionalProperties: false,
      }),
    ),
    timeoutSeconds: Type.Optional(Seconds),
    models: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: Type.String({ minLength: 1, maxLength: 256 }),
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
            contextWindow: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000_000 })),
            maxTokens: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
          },
          closed,
        ),
        { maxItems: CONFIG_LIMITS.modelsPerProvider },
      ),
    ),
  },
  closed,
);

const ToolPatterns = Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: CONFIG_LIMITS.toolPatterns });
/** OpenClaw's tool profiles: a base allow list applied before tools.allow/deny. */
const ToolProfile = Type.Union([Type.Literal('minimal'), Type.Literal('coding'), Type.Literal('messaging'), Type.Literal('full')]);
/** A directory path; `~/` is the home directory, a relative path is relative to the state dir. */
const DirPath = Type.String({ minLength: 1, maxLength: 4096 });

/** Bounds of the tools section. */
export const TOOLS_CONFIG_LIMITS = { allowlist: 1024, privateHosts: 256, approvers: 256 } as const;

/** tools: which tools agents get and how the powerful ones are guarded (OpenClaw's key names). */
const ToolsSchema = Type.Object(
  {
    profile: Type.Optional(ToolProfile),
    allow: Type.Optional(ToolPatterns),
    deny: Type.Optional(ToolPatterns),
    exec: Type.Optional(
      Type.Object(
        {
          security: Type.Optional(Type.Union([Type.Literal('deny'), Type.Literal('allowlist'), Type.Literal('full')])),
          ask: Type.Optional(Type.Union([Type.Literal('off'), Type.Literal('on-miss'), Type.Literal('always')])),
          sandbox: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('bubblewrap'), Type.Literal('off')])),
          // Network inside the sandbox; off unless the owner turns it on.
          network: Type.Optional(Type.Boolean()),
          // Command patterns that run without asking (besides those the owner approved "always").
          allowlist: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 512 }), { maxItems: TOOLS_CONFIG_LIMITS.allowlist })),
          timeoutSeconds: Type.Optional(Seconds),
          approvalTimeoutSeconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 86_400 })),
          maxOutputBytes: Type.Optional(Type.Integer({ minimum: 1024, maximum: 16 * 1024 * 1024 })),
        },
        closed,
      ),
    ),
    web: Type.Optional(
      Type.Object(
        {
          fetch: Type.Optional(
            Type.Object(
              {
                enabled: Type.Optional(Type.Boolean()),
                maxChars: Type.Optional(Type.Integer({ minimum: 100, maximum: 1_000_000 })),
                maxBytes: Type.Optional(Type.Integer({ minimum: 1024, maximum: 50 * 1024 * 1024 })),
                timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 300 })),
                maxRedirects: Type.Optional(Type.Integer({ minimum: 0, maximum: 20 })),
                cacheMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 24 * 60 })),
                // Hosts, IPs or CIDRs the SSRF guard lets through although they are private (e.g. a LAN wiki).
                allowPrivate: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: TOOLS_CONFIG_LIMITS.privateHosts })),
              },
              closed,
            ),
          ),
          search: Type.Optional(
            Type.Object(
              {
                enabled: Type.Optional(Type.Boolean()),
                provider: Type.Optional(Type.Union([Type.Literal('searxng'), Type.Literal('brave'), Type.Literal('tavily')])),
                baseUrl: Type.Optional(Type.String({ pattern: '^[hH][tT][tT][pP][sS]?://', maxLength: 2048 })),
                apiKey: Type.Optional(ApiKey),
                maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
                timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 120 })),
              },
              closed,
            ),
          ),
        },
        closed,
      ),
    ),
  },
  closed,
);

const AgentSchema = Type.Object(
  {
    id: Id,
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    default: Type.Optional(Type.Boolean()),
    model: Type.Optional(ModelRef),
    systemPrompt: Type.Optional(Type.String({ maxLength: CONFIG_LIMITS.systemPromptChars })),
    workspace: Type.Optional(DirPath),
    tools: Type.Optional(Type.Object({ profile: Type.Optional(ToolProfile), allow: Type.Optional(ToolPatterns), deny: Type.Optional(ToolPatterns) }, closed)),
  },
  closed,
);

/** Bounds of channels.telegram. */
export const TELEGRAM_CONFIG_LIMITS = { allowFrom: 1024, groups: 1024, maxPendingCap: 100, codeTtlMinutesCap: 7 * 24 * 60 } as const;

/** A Telegram user id (digits) or @username, as a string or a number. */
const TelegramPeer = Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Integer()]);

const TelegramSchema = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    botToken: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    tokenFile: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    apiRoot: Type.Optional(Type.String({ pattern: '^[hH][tT][tT][pP][sS]?://', maxLength: 2048 })),
    dmPolicy: Type.Optional(Type.Union([Type.Literal('pairing'), Type.Literal('allowlist'), Type.Literal('open'), Type.Literal('disabled')])),
    allowFrom: Type.Optional(Type.Array(TelegramPeer, { maxItems: TELEGRAM_CONFIG_LIMITS.allowFrom })),
    // Telegram users (ids or @names) who get exec approval requests with inline buttons.
    approvers: Type.Optional(Type.Array(TelegramPeer, { maxItems: TELEGRAM_CONFIG_LIMITS.allowFrom })),
    groups: Type.Optional(
      Type.Object(
        {
          policy: Type.Optional(Type.Union([Type.Literal('disabled'), Type.Literal('allowlist'), Type.Literal('open')])),
          requireMention: Type.Optional(Type.Boolean()),
          allow: Type.Optional(Type.Array(TelegramPeer, { maxItems: TELEGRAM_CONFIG_LIMITS.groups })),
        },
        closed,
      ),
    ),
    pairing: Type.Optional(
      Type.Object(
        {
          codeTtlMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: TELEGRAM_CONFIG_LIMITS.codeTtlMinutesCap })),
          maxPending: Type.Optional(Type.Integer({ minimum: 1, maximum: TELEGRAM_CONFIG_LIMITS.maxPendingCap })),
        },
        closed,
      ),
    ),
  },
  closed,
);

/** clawgate.json, validated: unknown keys and wrong types are errors naming the key path. */
export const ConfigSchema = Type.Object(
  {
    models: Type.Optional(
      Type.Object(
        {
          providers: Type.Optional(
            Type.Record(Id, ProviderSchema, { maxProperties: CONFIG_LIMITS.providers, additionalProperties: false }),
          ),
        },
        closed,
      ),
    ),
    agents: Type.Optional(
      Type.Object(
        {
          defaults: Type.Optional(
            Type.Object(
              {
                model: Type.Optional(ModelRef),
                workspace: Type.Optional(DirPath),
                timeoutSeconds: Type.Optional(Seconds),
                maxConcurrent: Type.Optional(Type.Integer({ minimum: 1, maximum: CONFIG_LIMITS.maxConcurrent })),
                // Off unless set: every interval, main sessions with queued system events get one turn.
                heartbeat: Type.Optional(Type.Object({ every: Type.Optional(Type.String({ pattern: DURATION_PATTERN, maxLength: 32 })) }, closed)),
                subagents: Type.Optional(
                  Type.Object(
                    {
                      maxSpawnDepth: Type.Optional(Type.Integer({ minimum: 0, maximum: CONFIG_LIMITS.maxSpawnDepth })),
                      maxChildrenPerAgent: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
                      maxConcurrent: Type.Optional(Type.Integer({ minimum: 1, maximum: CONFIG_LIMITS.maxConcurrent })),
                      runTimeoutSeconds: Type.Optional(Seconds),
                    },
                    closed,
                  ),
                ),
              },
              closed,
            ),
          ),
          list: Type.Optional(Type.Array(AgentSchema, { maxItems: CONFIG_LIMITS.agents })),
        },
        closed,
      ),
    ),
    tools: Type.Optional(ToolsSchema),
    channels: Type.Optional(Type.Object({ telegram: Type.Optional(TelegramSchema) }, closed)),
    gateway: Type.Optional(
      Type.Object(
        {
          port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
          bind: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
          auth: Type.Optional(
            Type.Object(
              {
                mode: Type.Optional(Type.Union([Type.Literal('token'), Type.Literal('none')])),
                token: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
              },
              closed,
            ),
          ),
          pairing: Type.Optional(
            Type.Object({ autoApproveRemoteWithToken: Type.Optional(Type.Boolean()) }, closed),
          ),
          allowedOrigins: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 512 }), { maxItems: 64 })),
        },
        closed,
      ),
    ),
  },
  closed,
);
export type Config = Static<typeof ConfigSchema>;
export const configValidator = compile(ConfigSchema);

/** Bind setting resolved to a listen host. */
export type BindMode = 'loopback' | 'lan' | 'address';

/** The effective settings after defaults, as the gateway uses them. */
export interface EffectiveGatewayConfig {
  port: number;
  bind: string;
  bindMode: BindMode;
  host: string;
  authMode: 'token' | 'none';
  autoApproveRemoteWithToken: boolean;
  allowedOrigins: string[];
}

/** Apply defaults: port 18789, loopback bind, token auth, no remote auto-approval. */
export function effectiveGateway(config: Config): EffectiveGatewayConfig {
  const g = config.gateway ?? {};
  const bind = g.bind ?? 'loopback';
  const bindMode: BindMode = bind === 'loopback' || bind === 'lan' ? bind : 'address';
  const host = bind === 'loopback' ? '127.0.0.1' : bind === 'lan' ? '0.0.0.0' : bind;
  return {
    port: g.port ?? DEFAULT_PORT,
    bind,
    bindMode,
    host,
    authMode: g.auth?.mode ?? 'token',
    autoApproveRemoteWithToken: g.pairing?.autoApproveRemoteWithToken ?? false,
    allowedOrigins: g.allowedOrigins ?? [],
  };
}

/** True when the listen host is only reachable from this machine: localhost or a loopback IP literal, never a look-alike name. */
export function isLoopbackHost(host: string): boolean {
  return isLoopbackHostname(host);
}
