import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { parseSessionKey, subagentSessionKey } from '../protocol/session-key.js';
import type { Store } from '../store/store.js';
import { agentModel, type ResolvedAgents } from './agent-config.js';
import type { AgentRuntimeApi, RunAccepted, RunHooks, RunRequest, RunSnapshot, SessionSummary, StoredMessage } from './runtime-api.js';
import { subagentReport } from './subagent-report.js';
import type { ProcessRegistry } from './tools/exec/process-registry.js';
import type { SpawnRequest, ToolCaller, ToolHost } from './tools/tool.js';
import { isUnmarkedUnreadable } from './wire-messages.js';

/** The part of the runtime the session tools drive (the runtime passes itself). */
export type ToolRuntime = Pick<AgentRuntimeApi, 'send' | 'wait' | 'sessions' | 'history'> & {
  enqueue(req: RunRequest, hooks: RunHooks): RunAccepted;
};

/** What the tool host is built from. */
export interface ToolHostDeps {
  readonly runtime: ToolRuntime;
  readonly store: Store;
  readonly config: () => ResolvedAgents;
  readonly log: Logger;
  readonly now: () => number;
  /** A deleted session's processes are killed with it. */
  readonly processes: ProcessRegistry;
}

function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * The session tools' side of the runtime: spawning sub-agents within the limits (depth, children per
 * requester, concurrency), announcing their reports back, and agent-to-agent sends. All in-process.
 */
export class SessionToolHost implements ToolHost {
  readonly #d: ToolHostDeps;
  /** Active child runs per requester session. */
  readonly #children = new Map<string, Set<string>>();

  constructor(deps: ToolHostDeps) {
    this.#d = deps;
  }

  spawnSubagent(from: ToolCaller, req: SpawnRequest): { status: 'accepted'; runId: string; childSessionKey: string } {
    const cfg = this.#d.config();
    const limits = cfg.defaults.subagents;
    const depth = from.spawnDepth + 1;
    if (depth > limits.maxSpawnDepth) {
      throw new ClawgateError('FORBIDDEN', `sub-agents may nest only ${limits.maxSpawnDepth} level(s) deep (agents.defaults.subagents.maxSpawnDepth); do this task yourself`);
    }
    const active = this.#children.get(from.sessionKey) ?? new Set<string>();
    if (active.size >= limits.maxChildrenPerAgent) {
      throw new ClawgateError('FORBIDDEN', `this session already has ${active.size} sub-agents running (agents.defaults.subagents.maxChildrenPerAgent is ${limits.maxChildrenPerAgent}); wait for their reports before spawning more`);
    }
    const agentId = req.agentId ?? from.agentId;
    const agent = cfg.agents.find((a) => a.id === agentId);
    if (!agent) {
      throw new ClawgateError('UNKNOWN_AGENT', `unknown agent "${agentId}" (configured: ${cfg.agents.map((a) => a.id).join(', ')})`);
    }
    // The same check the child's run will make, refused now so the model hears it at once.
    if (req.model !== undefined) agentModel(cfg, agent, req.model);
    const childKey = subagentSessionKey(agentId, randomUUID());
    const { store } = this.#d;
    store.write(() =>
      store.sessions.ensure(
        { key: childKey, agentId, kind: 'subagent', parentKey: from.sessionKey, ...(req.label ? { label: req.label } : {}), ...(req.model ? { model: req.model } : {}), spawnDepth: depth },
        this.#d.now(),
      ),
    );
    const timeoutMs = req.runTimeoutSeconds !== undefined ? req.runTimeoutSeconds * 1000 : limits.runTimeoutMs;
    const accepted = this.#d.runtime.enqueue(
      { sessionKey: childKey, message: req.task, timeoutMs, origin: { kind: 'subagent', parentSessionKey: from.sessionKey, parentRunId: from.runId } },
      { onEnd: (snap) => this.#announce(from, childKey, req, snap) },
    );
    active.add(accepted.runId);
    this.#children.set(from.sessionKey, active);
    this.#d.log.info({ parent: from.sessionKey, child: childKey, runId: accepted.runId, depth }, 'sub-agent spawned');
    return { status: 'accepted', runId: accepted.runId, childSessionKey: childKey };
  }

  #announce(from: ToolCaller, childKey: string, req: SpawnRequest, snap: RunSnapshot): void {
    const active = this.#children.get(from.sessionKey);
    active?.delete(snap.runId);
    if (active?.size === 0) this.#children.delete(from.sessionKey);
    try {
      this.#d.runtime.send({ sessionKey: from.sessionKey, message: subagentReport(childKey, req.label, snap), origin: { kind: 'announce', childSessionKey: childKey } });
    } catch (err) {
      this.#d.log.warn({ parent: from.sessionKey, child: childKey, err: (err as Error).message }, 'sub-agent report could not be announced');
    }
    if (req.cleanup === 'delete') {
      this.#d.store.write(() => this.#d.store.sessions.delete(childKey));
      void this.#d.processes.killSession(childKey);
    }
  }

  async sendToSession(from: ToolCaller, req: { sessionKey: string; message: string; timeoutSeconds?: number }, signal: AbortSignal): Promise<Record<string, unknown>> {
    const target = parseSessionKey(req.sessionKey, this.#d.config().defaultAgentId);
    if (target.key === from.sessionKey) throw new ClawgateError('FORBIDDEN', 'a session cannot send to itself; answer directly instead');
    const accepted = this.#d.runtime.send({ sessionKey: target.key, message: `[message from session ${from.sessionKey}]\n${req.message}`, origin: { kind: 'agent-send', fromSessionKey: from.sessionKey } });
    if (!req.timeoutSeconds) return { status: 'accepted', runId: accepted.runId, sessionKey: target.key };
    const snap = await abortable(this.#d.runtime.wait(accepted.runId, req.timeoutSeconds * 1000), signal);
    if (!snap) return { status: 'timeout', runId: accepted.runId, sessionKey: target.key };
    return { status: snap.status, runId: accepted.runId, sessionKey: target.key, ...(snap.text ? { reply: snap.text } : {}), ...(snap.error ? { error: snap.error.message } : {}) };
  }

  listSessions(_from: ToolCaller, req: { limit?: number; kinds?: string[] }): SessionSummary[] {
    const all = this.#d.runtime.sessions({ limit: req.limit ?? 50 });
    return req.kinds && req.kinds.length > 0 ? all.filter((s) => req.kinds!.includes(s.kind)) : all;
  }

  ownSession(from: ToolCaller): SessionSummary | undefined {
    return this.#d.store.sessions.get(from.sessionKey);
  }

  readHistory(_from: ToolCaller, req: { sessionKey: string; limit?: number }): StoredMessage[] {
    // An unreadable row nothing has marked yet stays visible (as its placeholder text), as in chat.history.
    return this.#d.runtime.history(req.sessionKey, req.limit ?? 20).filter((e) => e.excludedReason === null || isUnmarkedUnreadable(e));
  }
}
