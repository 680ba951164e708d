import { ClawgateError } from '../protocol/error-catalogue.js';
import { parseSessionKey } from '../protocol/session-key.js';
import type { Store } from '../store/store.js';
import type { SessionRecord } from '../store/sessions.js';
import { agentModel, type ResolvedAgents } from './agent-config.js';
import type { SessionDefaultsView, SessionPatch, SessionSummary } from './runtime-api.js';

/** What managing sessions needs from the runtime around it. */
export interface SessionAdminDeps {
  readonly store: Store;
  readonly config: () => ResolvedAgents;
  readonly now: () => number;
  /** Abort the session's running and queued runs; the runIds aborted. */
  readonly abort: (sessionKey: string) => string[];
  /** Resolves once these runs ended (or a bounded wait passed), so none writes after a reset. */
  readonly waitEnded: (runIds: readonly string[]) => Promise<void>;
  /** Kill the session's exec processes. */
  readonly killProcesses: (sessionKey: string) => Promise<number>;
  /** The run queued or running in a session now, if any. */
  readonly activeRunOf: (sessionKey: string) => string | undefined;
}

/** The context window the config names for a `provider/model` reference. */
function contextWindowOf(cfg: ResolvedAgents, ref: string | undefined): number | undefined {
  if (!ref) return undefined;
  const slash = ref.indexOf('/');
  const provider = cfg.providers.find((p) => p.id === ref.slice(0, slash));
  return provider?.models.find((m) => m.id === ref.slice(slash + 1))?.contextWindow;
}

/** What a session uses unless it says otherwise: the default agent's model. */
export function sessionDefaults(cfg: ResolvedAgents): SessionDefaultsView {
  const model = cfg.agents.find((a) => a.id === cfg.defaultAgentId)?.model ?? cfg.defaults.model;
  const contextTokens = contextWindowOf(cfg, model);
  return { ...(model ? { model } : {}), ...(contextTokens ? { contextTokens } : {}) };
}

/** A stored session with what the runtime derives for it: the model its next run uses, tokens, the run now. */
export function summarize(d: SessionAdminDeps, s: SessionRecord, cfg = d.config()): SessionSummary {
  const effective = s.model ?? cfg.agents.find((a) => a.id === s.agentId)?.model ?? cfg.defaults.model;
  const contextTokens = contextWindowOf(cfg, effective);
  const usage = d.store.sessionUsage.of(s.key);
  const activeRunId = d.activeRunOf(s.key);
  return {
    ...s,
    ...(effective ? { effectiveModel: effective } : {}),
    ...(contextTokens ? { contextTokens } : {}),
    ...(usage ? { usage } : {}),
    ...(activeRunId ? { activeRunId } : {}),
  };
}

function unknownSession(key: string): ClawgateError {
  return new ClawgateError('UNKNOWN_SESSION', `session ${key} does not exist; clawgate sessions list shows the sessions`, { sessionKey: key });
}

function existing(d: SessionAdminDeps, sessionKey: string): SessionRecord {
  const key = parseSessionKey(sessionKey, d.config().defaultAgentId).key;
  const s = d.store.sessions.get(key);
  if (!s) throw unknownSession(key);
  return s;
}

/** Set or clear a session's label and model override. A model must name a configured provider. */
export function patchSession(d: SessionAdminDeps, sessionKey: string, patch: SessionPatch): SessionSummary {
  const s = existing(d, sessionKey);
  const cfg = d.config();
  if (patch.model) {
    const agent = cfg.agents.find((a) => a.id === s.agentId) ?? cfg.agents.find((a) => a.isDefault)!;
    agentModel(cfg, agent, patch.model); // throws MODEL_NOT_CONFIGURED naming the fix
  }
  const now = d.now();
  d.store.write(() => {
    if (patch.model !== undefined) d.store.sessions.setModel(s.key, patch.model, now);
    if (patch.label !== undefined) d.store.sessions.setLabel(s.key, patch.label, now);
  });
  return summarize(d, d.store.sessions.get(s.key)!, cfg);
}

/** Start a session over: abort its runs, kill its processes, delete its transcript. Label and model stay. */
export async function resetSession(d: SessionAdminDeps, sessionKey: string): Promise<{ session: SessionSummary; cleared: number; aborted: string[] }> {
  const s = existing(d, sessionKey);
  const aborted = d.abort(s.key);
  await d.waitEnded(aborted);
  await d.killProcesses(s.key);
  const now = d.now();
  // While the runs ended, another caller may have deleted the session: then there is nothing to reset.
  const after = d.store.write(() => {
    if (!d.store.sessions.exists(s.key)) return undefined;
    const n = d.store.transcripts.clear(s.key);
    d.store.sessions.touch(s.key, now);
    return { cleared: n, record: d.store.sessions.get(s.key)! };
  });
  if (!after) throw unknownSession(s.key);
  return { session: summarize(d, after.record), cleared: after.cleared, aborted };
}

/** Remove a session and its transcript after aborting its runs and killing its processes. */
export async function deleteSession(d: SessionAdminDeps, sessionKey: string): Promise<{ key: string; deleted: boolean; aborted: string[] }> {
  const s = existing(d, sessionKey);
  const aborted = d.abort(s.key);
  await d.waitEnded(aborted);
  await d.killProcesses(s.key);
  const deleted = d.store.write(() => d.store.sessions.delete(s.key));
  return { key: s.key, deleted, aborted };
}
