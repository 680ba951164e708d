import { Secret } from '../auth/secret.js';
import { MODEL_REF_EXAMPLE, splitModelRef } from '../config/agent-problems.js';
import type { Config } from '../config/schema.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import type { ResolvedProvider } from './types.js';
import { isRedactedPlaceholder } from '../protocol/redaction.js';
import { resolveToolSettings, workspaceDirOf, type ToolProfile, type ToolSettings } from './tool-settings.js';

/** How a key source that holds a redacted placeholder is shown (the doctor's model-providers check looks for it). */
export const PLACEHOLDER_MARK = '(redacted placeholder)';

/** Defaults of the agents section (seconds in config, milliseconds here). */
export const AGENT_DEFAULTS = {
  timeoutSeconds: 600,
  maxConcurrent: 4,
  providerTimeoutSeconds: 120,
  subagents: { maxSpawnDepth: 1, maxChildrenPerAgent: 5, maxConcurrent: 8 },
} as const;

/** The agent that exists when config lists none. */
export const IMPLICIT_AGENT_ID = 'main';

/** Limits and timeouts that apply to every agent. */
export interface AgentDefaults {
  readonly model: string | undefined;
  readonly timeoutMs: number;
  readonly maxConcurrent: number;
  readonly subagents: {
    readonly maxSpawnDepth: number;
    readonly maxChildrenPerAgent: number;
    readonly maxConcurrent: number;
    readonly runTimeoutMs: number;
  };
}

/** One agent after defaults: `model` is its own or the default one (`provider/model`). */
export interface ResolvedAgent {
  readonly id: string;
  readonly name: string | undefined;
  readonly model: string | undefined;
  readonly systemPrompt: string | undefined;
  /** The agent's own tool lists; its profile falls back to tools.profile. */
  readonly tools: { readonly profile?: ToolProfile; readonly allow?: readonly string[]; readonly deny?: readonly string[] };
  /** Absolute path of the agent's workspace (created on first use). */
  readonly workspace: string;
  readonly isDefault: boolean;
}

/** The agents and providers sections of a (validated) config, ready for the runtime. */
export interface ResolvedAgents {
  readonly defaults: AgentDefaults;
  readonly agents: readonly ResolvedAgent[];
  readonly defaultAgentId: string;
  readonly providers: readonly ResolvedProvider[];
  /** The tools section (profile, allow/deny, exec guard, web limits) for every agent. */
  readonly tools: ToolSettings;
  readonly stateDir: string;
}

/** Parse `provider/model`; throws MODEL_NOT_CONFIGURED naming the expected form. */
export function parseModelRef(ref: string): { provider: string; model: string } {
  const parsed = splitModelRef(ref);
  if (!parsed) {
    throw new ClawgateError(
      'MODEL_NOT_CONFIGURED',
      `${JSON.stringify(ref)} is not a model reference; use provider/model, e.g. ${MODEL_REF_EXAMPLE} (set agents.defaults.model)`,
      { model: ref },
    );
  }
  return parsed;
}

/**
 * The provider and model an agent runs on: `override` (a session's own model, e.g. a sub-agent's) or the
 * agent's model (its own or the default). Throws MODEL_NOT_CONFIGURED when there is none or its provider is
 * not in models.providers.
 */
export function agentModel(resolved: ResolvedAgents, agent: ResolvedAgent, override?: string | null): { provider: ResolvedProvider; model: string } {
  const modelRef = override ?? agent.model;
  if (modelRef === undefined) {
    throw new ClawgateError(
      'MODEL_NOT_CONFIGURED',
      `agent "${agent.id}" has no model; set agents.defaults.model (e.g. clawgate config set agents.defaults.model ${MODEL_REF_EXAMPLE}) and configure its provider under models.providers`,
      { agentId: agent.id },
    );
  }
  const ref = parseModelRef(modelRef);
  const provider = resolved.providers.find((p) => p.id === ref.provider);
  if (!provider) {
    throw new ClawgateError(
      'MODEL_NOT_CONFIGURED',
      `agent "${agent.id}" uses ${modelRef} but provider "${ref.provider}" is not configured; add models.providers.${ref.provider}`,
      { agentId: agent.id, provider: ref.provider },
    );
  }
  return { provider, model: ref.model };
}

type ProviderConfig = NonNullable<NonNullable<Config['models']>['providers']>[string];
type AgentConfig = NonNullable<NonNullable<Config['agents']>['list']>[number];

function resolveKey(apiKey: ProviderConfig['apiKey'], env: NodeJS.ProcessEnv): { apiKey: Secret | undefined; keySource: string } {
  if (apiKey === undefined) return { apiKey: undefined, keySource: 'none' };
  // A redacted placeholder pasted back from clawgate's output is never sent to a provider as a key.
  if (typeof apiKey === 'string') return isRedactedPlaceholder(apiKey) ? { apiKey: undefined, keySource: `config ${PLACEHOLDER_MARK}` } : { apiKey: new Secret(apiKey), keySource: 'config' };
  const value = env[apiKey.env];
  // An empty variable is as good as unset: sending an empty key only earns a confusing 401.
  if (value === undefined || value.trim() === '') return { apiKey: undefined, keySource: `env ${apiKey.env} (unset)` };
  if (isRedactedPlaceholder(value)) return { apiKey: undefined, keySource: `env ${apiKey.env} ${PLACEHOLDER_MARK}` };
  return { apiKey: new Secret(value.trim()), keySource: `env ${apiKey.env}` };
}

function resolveProvider(id: string, p: ProviderConfig, env: NodeJS.ProcessEnv): ResolvedProvider {
  return {
    id,
    api: p.api,
    baseUrl: p.baseUrl,
    ...resolveKey(p.apiKey, env),
    headers: { ...(p.headers ?? {}) },
    requestTimeoutMs: (p.timeoutSeconds ?? AGENT_DEFAULTS.providerTimeoutSeconds) * 1000,
    models: (p.models ?? []).map((m) => ({ ...m })),
  };
}

/** Apply defaults to the agents, models and tools sections; env supplies `apiKey: {env: NAME}` keys. */
export function resolveAgents(config: Config, env: NodeJS.ProcessEnv, stateDir: string): ResolvedAgents {
  const d = config.agents?.defaults ?? {};
  const timeoutMs = (d.timeoutSeconds ?? AGENT_DEFAULTS.timeoutSeconds) * 1000;
  const sub = d.subagents ?? {};
  const defaults: AgentDefaults = {
    model: d.model,
    timeoutMs,
    maxConcurrent: d.maxConcurrent ?? AGENT_DEFAULTS.maxConcurrent,
    subagents: {
      maxSpawnDepth: sub.maxSpawnDepth ?? AGENT_DEFAULTS.subagents.maxSpawnDepth,
      maxChildrenPerAgent: sub.maxChildrenPerAgent ?? AGENT_DEFAULTS.subagents.maxChildrenPerAgent,
      maxConcurrent: sub.maxConcurrent ?? AGENT_DEFAULTS.subagents.maxConcurrent,
      runTimeoutMs: sub.runTimeoutSeconds !== undefined ? sub.runTimeoutSeconds * 1000 : timeoutMs,
    },
  };
  const list = config.agents?.list ?? [];
  const configured: readonly AgentConfig[] = list.length > 0 ? list : [{ id: IMPLICIT_AGENT_ID }];
  // The first agent marked default wins (config validation refuses two); without one, the first listed.
  const defaultAgentId = configured.find((a) => a.default === true)?.id ?? configured[0]!.id;
  const agents = configured.map(
    (a): ResolvedAgent => ({
      id: a.id,
      name: a.name,
      model: a.model ?? defaults.model,
      systemPrompt: a.systemPrompt,
      tools: {
        ...(a.tools?.profile ? { profile: a.tools.profile } : {}),
        ...(a.tools?.allow ? { allow: [...a.tools.allow] } : {}),
        ...(a.tools?.deny ? { deny: [...a.tools.deny] } : {}),
      },
      workspace: workspaceDirOf(stateDir, a.id, a.id === defaultAgentId, a.workspace, d.workspace),
      isDefault: a.id === defaultAgentId,
    }),
  );
  const providers = Object.entries(config.models?.providers ?? {}).map(([id, p]) => resolveProvider(id, p, env));
  return { defaults, agents, defaultAgentId, providers, tools: resolveToolSettings(config, env), stateDir };
}
