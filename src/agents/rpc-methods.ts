import {
  agent,
  agentsList,
  agentWait,
  chatAbort,
  chatHistory,
  chatSend,
  modelsList,
  modelsReset,
  modelsStatus,
  sessionsDelete,
  sessionsList,
  sessionsPatch,
  sessionsReset,
  type ResultOf,
} from '../protocol/methods/index.js';
import { AGENT_WAIT_DEFAULT_MS, AGENT_WAIT_MAX_MS } from '../protocol/methods/agent.js';
import { CHAT_HISTORY_DEFAULT_LIMIT } from '../protocol/methods/chat.js';
import { SESSIONS_LIST_MAX_LIMIT, type SessionRow } from '../protocol/methods/sessions.js';
import type { ProviderStatusRow } from '../protocol/methods/models.js';
import { ClawgateError, isErrorCode } from '../protocol/error-catalogue.js';
import { implement, type CallInfo, type MethodImpl } from '../protocol/methods/define.js';
import type { AgentRuntimeApi, ProviderStatus, RunOrigin, RunSnapshot, SessionSummary } from './runtime-api.js';
import { mainSessionKey } from '../protocol/session-key.js';
import { toWireHistory } from './wire-messages.js';

/** How long the second `agent` response may wait for its run (runs end by their own timeout well before). */
export const AGENT_FINAL_RESPONSE_MAX_MS = 24 * 60 * 60_000;

type WaitResult = ResultOf<typeof agentWait>;

function originOf(call: CallInfo): RunOrigin {
  return { kind: 'operator', deviceId: call.caller.deviceId };
}

/** agent.wait's answer for a run snapshot (undefined: the wait timed out first). */
export function waitResultOf(runId: string, snap: RunSnapshot | undefined): WaitResult {
  if (!snap || (snap.status !== 'ok' && snap.status !== 'error' && snap.status !== 'aborted' && snap.status !== 'timeout')) return { runId, status: 'timeout' };
  const out: WaitResult = { runId, status: snap.status };
  if (snap.startedAtMs !== undefined) out.startedAt = snap.startedAtMs;
  if (snap.endedAtMs !== undefined) out.endedAt = snap.endedAtMs;
  if (snap.error) {
    out.error = snap.error.message;
    out.errorCode = snap.error.code;
    if (snap.error.errorClass) out.errorClass = snap.error.errorClass;
  }
  return out;
}

/** The second `agent` response: the run's outcome in OpenClaw's shape, or its error. */
async function finalAgentResponse(rt: AgentRuntimeApi, runId: string): Promise<ResultOf<typeof agent>> {
  const snap = await rt.wait(runId, AGENT_FINAL_RESPONSE_MAX_MS);
  if (!snap) throw new ClawgateError('RUN_TIMEOUT', `run ${runId} did not end in time`, { runId });
  if (snap.status === 'ok') {
    const durationMs = (snap.endedAtMs ?? snap.queuedAtMs) - (snap.startedAtMs ?? snap.queuedAtMs);
    return { runId, status: 'ok', summary: 'completed', result: { payloads: [{ text: snap.text ?? '' }], meta: { durationMs, usage: snap.usage } } };
  }
  if (snap.error) {
    const code = isErrorCode(snap.error.code) ? snap.error.code : 'INTERNAL';
    throw new ClawgateError(code, snap.error.message, { runId, ...(snap.error.errorClass ? { errorClass: snap.error.errorClass } : {}) });
  }
  if (snap.status === 'aborted') throw new ClawgateError('RUN_ABORTED', `run ${runId} was aborted`, { runId });
  throw new ClawgateError('RUN_TIMEOUT', `run ${runId} timed out`, { runId });
}

function sessionRow(s: SessionSummary): SessionRow {
  const row: SessionRow = { key: s.key, agentId: s.agentId, kind: s.kind, updatedAt: s.updatedAtMs, createdAt: s.createdAtMs, messageCount: s.messageCount };
  if (s.label !== null) row.label = s.label;
  if (s.parentKey !== null) row.spawnedBy = s.parentKey;
  if (s.effectiveModel !== undefined) row.model = s.effectiveModel;
  if (s.model !== null) row.modelOverride = s.model;
  if (s.activeRunId !== undefined) row.activeRunId = s.activeRunId;
  if (s.usage) {
    row.inputTokens = s.usage.inputTokens;
    row.outputTokens = s.usage.outputTokens;
    row.totalTokens = s.usage.lastCallTokens;
  }
  if (s.contextTokens !== undefined) row.contextTokens = s.contextTokens;
  return row;
}

function providerRow(p: ProviderStatus): ProviderStatusRow {
  // Only defined keys: the wire carries exactly what is known.
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as ProviderStatusRow;
}

/** chat.*, agent, agent.wait, agents.list, sessions.*, models.*: thin bindings of the agent runtime. */
export function agentMethods(rt: AgentRuntimeApi): readonly MethodImpl[] {
  return [
  implement(chatSend, (p, call) => {
    const accepted = rt.send({
      sessionKey: p.sessionKey,
      message: p.message,
      runId: p.idempotencyKey,
      ...(p.timeoutMs ? { timeoutMs: p.timeoutMs } : {}),
      origin: originOf(call),
    });
    return { runId: accepted.runId, status: accepted.status };
  }),
  implement(chatHistory, (p) => {
    // An unknown session has no history (OpenClaw answers an empty list, not an error).
    const entries = rt.history(p.sessionKey, p.limit ?? CHAT_HISTORY_DEFAULT_LIMIT);
    return { sessionKey: p.sessionKey, sessionId: p.sessionKey, messages: toWireHistory(entries) };
  }),
  implement(chatAbort, (p) => {
    const runIds = rt.abort(p.sessionKey, p.runId);
    return { ok: true as const, aborted: runIds.length > 0, runIds };
  }),
  implement(agent, (p, call) => {
    // OpenClaw clients may name a session by the id chat.history returned; ours is the session key.
    const sessionKey = p.sessionKey ?? p.sessionId ?? mainSessionKey(p.agentId ?? rt.defaultAgentId());
    if (p.agentId !== undefined && p.sessionKey !== undefined && sessionKey.startsWith('agent:') && sessionKey.split(':')[1] !== p.agentId) {
      throw new ClawgateError('INVALID_PARAMS', `agentId "${p.agentId}" does not match the session key "${sessionKey.slice(0, 80)}"`);
    }
    const accepted = rt.send({
      sessionKey,
      message: p.message,
      runId: p.idempotencyKey,
      ...(p.timeout ? { timeoutMs: p.timeout * 1000 } : {}),
      ...(p.extraSystemPrompt ? { extraSystemPrompt: p.extraSystemPrompt } : {}),
      ...(p.label ? { label: p.label } : {}),
      origin: originOf(call),
    });
    const final = finalAgentResponse(rt, accepted.runId);
    // Marked handled now: the dispatcher attaches its handlers a tick later, and a run may already have failed.
    final.catch(() => undefined);
    call.respondLater(final);
    return { runId: accepted.runId, status: 'accepted' as const, acceptedAt: accepted.acceptedAtMs };
  }),
  implement(agentWait, async (p) => {
    const timeoutMs = Math.min(p.timeoutMs ?? AGENT_WAIT_DEFAULT_MS, AGENT_WAIT_MAX_MS);
    return waitResultOf(p.runId, await rt.wait(p.runId, timeoutMs));
  }),
  implement(agentsList, () => {
    const agents = rt.agents();
    return {
      defaultId: rt.defaultAgentId(),
      mainKey: 'main' as const,
      scope: 'per-sender' as const,
      agents: agents.map((a) => (a.name !== undefined ? { id: a.id, name: a.name } : { id: a.id })),
    };
  }),
  implement(sessionsList, (p) => {
    const limit = Math.min(p?.limit ?? SESSIONS_LIST_MAX_LIMIT, SESSIONS_LIST_MAX_LIMIT);
    const search = p?.search?.trim().toLowerCase();
    const activeSince = p?.activeMinutes !== undefined ? Date.now() - p.activeMinutes * 60_000 : undefined;
    const filtered = p?.label !== undefined || (search !== undefined && search !== '') || activeSince !== undefined;
    // Filters the store does not know are applied here, before the limit.
    const rows = rt
      .sessions({
        ...(p?.agentId !== undefined ? { agentId: p.agentId } : {}),
        ...(p?.spawnedBy !== undefined ? { parentKey: p.spawnedBy } : {}),
        ...(filtered ? {} : { limit }),
      })
      .filter((s) => p?.label === undefined || s.label === p.label)
      .filter((s) => !search || s.key.toLowerCase().includes(search) || (s.label ?? '').toLowerCase().includes(search))
      .filter((s) => activeSince === undefined || s.updatedAtMs >= activeSince)
      .slice(0, limit)
      .map(sessionRow);
    return { count: rows.length, defaults: rt.sessionDefaults(), sessions: rows };
  }),
  implement(sessionsPatch, (p) => {
    const patched = rt.patchSession(p.key, { ...(p.label !== undefined ? { label: p.label } : {}), ...(p.model !== undefined ? { model: p.model } : {}) });
    const entry = sessionRow(patched);
    const slash = entry.model?.indexOf('/') ?? -1;
    // OpenClaw clients read the model split in two; Clawgate's rows carry the whole reference in `model`.
    const resolved = entry.model && slash > 0 ? { modelProvider: entry.model.slice(0, slash), model: entry.model.slice(slash + 1) } : {};
    return { ok: true as const, key: patched.key, entry, resolved };
  }),
  implement(sessionsReset, async (p) => {
    const r = await rt.resetSession(p.key);
    return { ok: true as const, key: r.session.key, entry: sessionRow(r.session), cleared: r.cleared, aborted: r.aborted };
  }),
  implement(sessionsDelete, async (p) => {
    const r = await rt.deleteSession(p.key);
    return { ok: true as const, key: r.key, deleted: r.deleted, aborted: r.aborted };
  }),
  // OpenClaw's rows: `id` is the model's own id and `provider` its provider; clients join them as provider/id.
  implement(modelsList, () => ({ models: rt.models().map((m) => ({ ...m, id: m.id.slice(m.provider.length + 1) })) })),
  implement(modelsStatus, () => ({ providers: rt.providerStatus().map(providerRow) })),
  implement(modelsReset, (p) => ({ reset: rt.resetProviders(p?.provider) })),
  ];
}
