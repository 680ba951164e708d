import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { Secret } from '../auth/secret.js';
import type { Config } from '../config/schema.js';
import type { ExecPolicy } from '../approvals/types.js';
import { isRedactedPlaceholder } from '../protocol/redaction.js';

/** Defaults of the tools section (seconds in config, milliseconds here). */
export const TOOL_DEFAULTS = {
  exec: {
    security: 'allowlist',
    ask: 'on-miss',
    sandbox: 'auto',
    network: false,
    timeoutSeconds: 1800,
    approvalTimeoutSeconds: 600,
    maxOutputBytes: 200 * 1024,
  },
  fetch: { maxChars: 50_000, maxBytes: 2 * 1024 * 1024, timeoutSeconds: 30, maxRedirects: 5, cacheMinutes: 15 },
  search: { maxResults: 5, timeoutSeconds: 20 },
} as const;

/** How exec is guarded (the approval policy) and where and how long commands run. */
export interface ExecSettings extends ExecPolicy {
  readonly sandbox: 'auto' | 'bubblewrap' | 'off';
  readonly network: boolean;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
}

/** web_fetch limits and the SSRF guard's exceptions. */
export interface FetchSettings {
  readonly enabled: boolean;
  readonly maxChars: number;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly maxRedirects: number;
  readonly cacheMs: number;
  /** Hosts, IPs or CIDRs let through although private. */
  readonly allowPrivate: readonly string[];
}

/** web_search: which provider, and its key (from config or an environment variable). */
export interface SearchSettings {
  readonly enabled: boolean;
  readonly provider: 'searxng' | 'brave' | 'tavily' | undefined;
  readonly baseUrl: string | undefined;
  readonly apiKey: Secret | undefined;
  /** `config`, `env NAME`, `env NAME (unset)` or `none`: shown to the owner, never the value. */
  readonly keySource: string;
  readonly maxResults: number;
  readonly timeoutMs: number;
}

/** The tools section after defaults; one value for the whole gateway. */
export interface ToolSettings {
  readonly profile: ToolProfile | undefined;
  readonly allow?: readonly string[];
  readonly deny?: readonly string[];
  readonly exec: ExecSettings;
  readonly fetch: FetchSettings;
  readonly search: SearchSettings;
}

/** OpenClaw's tool profiles. */
export type ToolProfile = 'minimal' | 'coding' | 'messaging' | 'full';

type ToolsConfig = NonNullable<Config['tools']>;

function searchKey(apiKey: NonNullable<NonNullable<ToolsConfig['web']>['search']>['apiKey'], env: NodeJS.ProcessEnv): { apiKey: Secret | undefined; keySource: string } {
  if (apiKey === undefined) return { apiKey: undefined, keySource: 'none' };
  if (typeof apiKey === 'string') return isRedactedPlaceholder(apiKey) ? { apiKey: undefined, keySource: 'config (redacted placeholder)' } : { apiKey: new Secret(apiKey), keySource: 'config' };
  const value = env[apiKey.env]?.trim();
  if (!value) return { apiKey: undefined, keySource: `env ${apiKey.env} (unset)` };
  if (isRedactedPlaceholder(value)) return { apiKey: undefined, keySource: `env ${apiKey.env} (redacted placeholder)` };
  return { apiKey: new Secret(value), keySource: `env ${apiKey.env}` };
}

/** Apply defaults to the tools section; env supplies a search key given as `{env: NAME}`. */
export function resolveToolSettings(config: Config, env: NodeJS.ProcessEnv): ToolSettings {
  const t: ToolsConfig = config.tools ?? {};
  const e = t.exec ?? {};
  const f = t.web?.fetch ?? {};
  const s = t.web?.search ?? {};
  const d = TOOL_DEFAULTS;
  return {
    profile: t.profile,
    ...(t.allow ? { allow: [...t.allow] } : {}),
    ...(t.deny ? { deny: [...t.deny] } : {}),
    exec: {
      security: e.security ?? d.exec.security,
      ask: e.ask ?? d.exec.ask,
      sandbox: e.sandbox ?? d.exec.sandbox,
      network: e.network ?? d.exec.network,
      allowlist: [...(e.allowlist ?? [])],
      timeoutMs: (e.timeoutSeconds ?? d.exec.timeoutSeconds) * 1000,
      approvalTimeoutMs: (e.approvalTimeoutSeconds ?? d.exec.approvalTimeoutSeconds) * 1000,
      maxOutputBytes: e.maxOutputBytes ?? d.exec.maxOutputBytes,
    },
    fetch: {
      enabled: f.enabled ?? true,
      maxChars: f.maxChars ?? d.fetch.maxChars,
      maxBytes: f.maxBytes ?? d.fetch.maxBytes,
      timeoutMs: (f.timeoutSeconds ?? d.fetch.timeoutSeconds) * 1000,
      maxRedirects: f.maxRedirects ?? d.fetch.maxRedirects,
      cacheMs: (f.cacheMinutes ?? d.fetch.cacheMinutes) * 60_000,
      allowPrivate: [...(f.allowPrivate ?? [])],
    },
    search: {
      enabled: s.enabled ?? true,
      provider: s.provider,
      baseUrl: s.baseUrl,
      ...searchKey(s.apiKey, env),
      maxResults: s.maxResults ?? d.search.maxResults,
      timeoutMs: (s.timeoutSeconds ?? d.search.timeoutSeconds) * 1000,
    },
  };
}

/**
 * An agent's workspace directory: its own setting, else agents.defaults.workspace (suffixed with the agent
 * id for agents other than the default one, so two agents never share files by accident), else
 * `<stateDir>/workspace` (`workspace-<id>` for the others), as OpenClaw lays it out.
 */
export function workspaceDirOf(stateDir: string, agentId: string, isDefault: boolean, own: string | undefined, defaults: string | undefined): string {
  const abs = (p: string): string => (p === '~' ? homedir() : p.startsWith('~/') ? join(homedir(), p.slice(2)) : isAbsolute(p) ? resolve(p) : resolve(stateDir, p));
  if (own !== undefined) return abs(own);
  if (defaults !== undefined) return isDefault ? abs(defaults) : `${abs(defaults)}-${agentId}`;
  return join(stateDir, isDefault ? 'workspace' : `workspace-${agentId}`);
}
