import type { Config } from './schema.js';

const PROVIDER_ID_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;
// The model part is the provider's own name (`llama3.2:3b`, `meta-llama/llama-3-70b`): any visible characters.
const MODEL_NAME_RE = /^[\x21-\x7e]+$/;

/** Example shown in messages about model references. */
export const MODEL_REF_EXAMPLE = 'ollama/llama3.2';

/** Split `provider/model` at the first slash; undefined when it is not of that form. */
export function splitModelRef(ref: string): { provider: string; model: string } | undefined {
  const slash = ref.indexOf('/');
  if (slash < 0) return undefined;
  const provider = ref.slice(0, slash);
  const model = ref.slice(slash + 1);
  if (!PROVIDER_ID_RE.test(provider) || !MODEL_NAME_RE.test(model)) return undefined;
  return { provider, model };
}

/** Problems with a model reference at keyPath: its form, and whether its provider is configured. */
function modelRefProblem(keyPath: string, ref: string, providers: readonly string[]): string | undefined {
  const parsed = splitModelRef(ref);
  if (!parsed) return `${keyPath}: ${JSON.stringify(ref)} is not a model reference; use provider/model, e.g. ${MODEL_REF_EXAMPLE}`;
  if (providers.includes(parsed.provider)) return undefined;
  const known = providers.length > 0 ? `, or use one of the configured providers: ${providers.join(', ')}` : '';
  return `${keyPath}: provider "${parsed.provider}" is not configured; add models.providers.${parsed.provider} (api, baseUrl, apiKey)${known}`;
}

/**
 * A baseUrl's problem, if any. The URL itself is never echoed: it may hold a password, and these messages
 * reach `config set` output and the config.get RPC.
 */
function baseUrlProblem(keyPath: string, providerId: string, baseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return `${keyPath}: not a valid URL; use e.g. http://127.0.0.1:11434/v1`;
  }
  if (url.username !== '' || url.password !== '') {
    return `${keyPath}: must not contain credentials (user:password@); remove them and set models.providers.${providerId}.apiKey (or headers) instead`;
  }
  return undefined;
}

/** Rules of models.providers and agents that span keys; each problem starts with its key path. */
export function agentConfigProblems(config: Config): string[] {
  const problems: string[] = [];
  const providers = config.models?.providers ?? {};
  const providerIds = Object.keys(providers);
  for (const [id, p] of Object.entries(providers)) {
    if (p.baseUrl === undefined) continue;
    const problem = baseUrlProblem(`models.providers.${id}.baseUrl`, id, p.baseUrl);
    if (problem) problems.push(problem);
  }
  const defaults = config.agents?.defaults;
  if (defaults?.model !== undefined) {
    const problem = modelRefProblem('agents.defaults.model', defaults.model, providerIds);
    if (problem) problems.push(problem);
  }
  const list = config.agents?.list ?? [];
  const firstIndex = new Map<string, number>();
  list.forEach((agent, i) => {
    const seen = firstIndex.get(agent.id);
    if (seen !== undefined) problems.push(`agents.list.${i}.id: duplicate agent id "${agent.id}" (also agents.list.${seen}.id); ids must be unique`);
    else firstIndex.set(agent.id, i);
    if (agent.model !== undefined) {
      const problem = modelRefProblem(`agents.list.${i}.model`, agent.model, providerIds);
      if (problem) problems.push(problem);
    }
  });
  const defaultIds = list.filter((a) => a.default === true).map((a) => a.id);
  if (defaultIds.length > 1) {
    problems.push(`agents.list: more than one agent has default: true (${defaultIds.join(', ')}); keep it on one`);
  }
  return problems;
}
