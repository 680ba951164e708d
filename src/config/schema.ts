import { Type, type Static } from '@sinclair/typebox';
import { compile } from '../protocol/schema.js';

const closed = { additionalProperties: false } as const;

/** Default port of the control plane. */
export const DEFAULT_PORT = 18789;

/** clawgate.json, validated: unknown keys and wrong types are errors naming the key path. */
export const ConfigSchema = Type.Object(
  {
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

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

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

/** True when the listen host is only reachable from this machine. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || host.startsWith('127.');
}

/** Rules that span keys; returns problems with key paths. */
export function semanticProblems(config: Config): string[] {
  const problems: string[] = [];
  const eff = effectiveGateway(config);
  if (eff.authMode === 'none' && !isLoopbackHost(eff.host)) {
    problems.push(`gateway.auth.mode: "none" is allowed only with a loopback bind (gateway.bind is "${eff.bind}")`);
  }
  return problems;
}
