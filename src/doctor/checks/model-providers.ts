import { PLACEHOLDER_MARK, resolveAgents } from '../../agents/agent-config.js';
import { ProviderHealth } from '../../agents/provider-health.js';
import { ProviderStates } from '../../store/provider-states.js';
import { withReadOnlyStore } from '../read-only-store.js';
import type { DoctorCheck, DraftFinding } from '../types.js';
import { finding } from '../types.js';

/**
 * model-providers: is there a model to talk to, does each provider have the key its config names, and is any
 * provider marked by a failure (rejected key, back-off) — read from the store, never calling a provider.
 */
export const modelProviders: DoctorCheck = {
  id: 'model-providers',
  run(ctx) {
    const view = ctx.config();
    if (view.error) return { summary: 'config unreadable (see config-valid)', findings: [] };
    const agents = resolveAgents(view.config, ctx.env, ctx.paths.stateDir);
    const findings: DraftFinding[] = [];
    if (agents.providers.length === 0) {
      return {
        summary: 'no model provider configured',
        findings: [finding('no-model-provider', 'info', 'no model provider is configured, so agents cannot answer', 'see docs/agents.md: clawgate config set models.providers.<id>.api openai-completions, then .baseUrl and agents.defaults.model')],
      };
    }
    const missingModel = agents.agents.filter((a) => !a.model);
    if (missingModel.length > 0) {
      findings.push(finding('agent-without-model', 'warn', `agent${missingModel.length > 1 ? 's' : ''} ${missingModel.map((a) => a.id).join(', ')} ha${missingModel.length > 1 ? 've' : 's'} no model`, 'clawgate config set agents.defaults.model <provider>/<model>'));
    }
    for (const p of agents.providers) {
      if (p.keySource.endsWith(PLACEHOLDER_MARK)) {
        const where = p.keySource.startsWith('env ') ? p.keySource.slice(4, -PLACEHOLDER_MARK.length - 1) : `models.providers.${p.id}.apiKey`;
        findings.push(finding('provider-key-placeholder', 'error', `provider ${p.id}'s key in ${where} is a redacted placeholder ("[redacted ...]" is what clawgate prints in place of a secret), not a key; no key is sent`, p.keySource.startsWith('env ') ? `set ${where} to the real key` : `clawgate config set models.providers.${p.id}.apiKey <the real key>`));
      }
      if (p.keySource.endsWith('(unset)')) {
        const env = p.keySource.slice(4, -8);
        findings.push(finding('provider-key-unset', 'warn', `provider ${p.id} takes its key from ${env}, which is not set in this environment`, `set ${env} in the gateway's environment (the service definition or shell that starts it)`));
      }
    }
    const statuses = withReadOnlyStore(ctx.paths.dbPath, (db) =>
      new ProviderHealth({ providerStates: new ProviderStates(db), write: () => { throw new Error('read-only'); } }, () => ctx.now()).status(agents.providers),
    );
    for (const s of statuses ?? []) {
      if (s.state === 'credential-rejected') findings.push(finding('provider-credential-rejected', 'error', `provider ${s.id} rejected its key${s.keyFingerprint ? ` (${s.keyFingerprint})` : ''}: ${s.detail ?? ''}`, s.fix));
      else if (s.state === 'cooldown') findings.push(finding('provider-cooldown', 'warn', `provider ${s.id} is paused (${s.errorClass}) until ${new Date(s.untilMs!).toISOString()}: ${s.detail ?? ''}`, s.fix));
    }
    return { summary: `${agents.providers.length} provider${agents.providers.length === 1 ? '' : 's'} (${agents.providers.map((p) => p.id).join(', ')})`, findings };
  },
};
