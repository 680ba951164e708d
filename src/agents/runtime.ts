import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { MAX_MESSAGE_CHARS } from '../protocol/limits.js';
import { parseSessionKey } from '../protocol/session-key.js';
import type { Store } from '../store/store.js';
import { ActiveRun } from './active-run.js';
import type { ResolvedAgents } from './agent-config.js';
import { MAX_PENDING_RUNS, MAX_QUEUED_PER_SESSION, MAX_RECENT_FAILURES, SESSION_RESET_WAIT_MS } from './limits.js';
import { ProviderHealth } from './provider-health.js';
import { describeRunFailure } from './run-failure.js';
import { executeRun } from './run-executor.js';
import { RunEvents } from './run-events.js';
import { RunRegistry } from './run-registry.js';
import type { AgentRuntimeApi, AgentSummary, ModelSummary, ProviderStatus, RunAccepted, RunFailureRecord, RunHooks, RunRequest, RunSnapshot, RuntimeEvent, SessionDefaultsView, SessionPatch, SessionSummary, StoredMessage } from './runtime-api.js';
import { Semaphore } from './semaphore.js';
import { SessionToolHost } from './session-tool-host.js';
import { deleteSession, patchSession, resetSession, sessionDefaults, summarize, type SessionAdminDeps } from './session-admin.js';
import type { ToolServices } from './tools/tool.js';
import type { ToolSettings } from './tool-settings.js';
import type { ModelProvider, ResolvedProvider } from './types.js';

/** What the runtime is built from. */
export interface RuntimeOptions {
  readonly store: Store;
  readonly log: Logger;
  readonly config: () => ResolvedAgents;
  readonly createProvider: (p: ResolvedProvider) => Promise<ModelProvider>;
  /** Services the tools use (approvals gate, ...); built by the gateway. */
  readonly services: ToolServices;
  readonly now?: () => number;
}

interface Lane {
  running: ActiveRun | undefined;
  readonly queue: ActiveRun[];
}

/**
 * The in-process agent runtime: one lane per session (runs of a session go one at a time, in order), a
 * global concurrency cap and a separate cap for sub-agents, timeouts and aborts, events to subscribers.
 * Sub-agents, agent-to-agent sends and (later) cron call it directly: no socket, no device, no pairing.
 */
export class AgentRuntime implements AgentRuntimeApi {
  readonly #opts: RuntimeOptions;
  readonly #now: () => number;
  readonly #registry = new RunRegistry();
  readonly #lanes = new Map<string, Lane>();
  readonly #hooks = new Map<string, RunHooks>();
  readonly #events: RunEvents;
  readonly #health: ProviderHealth;
  readonly #global: Semaphore;
  readonly #subagents: Semaphore;
  readonly #host: SessionToolHost;
  readonly #failures: RunFailureRecord[] = [];
  readonly #admin: SessionAdminDeps;
  #pending = 0;
  #closed = false;

  constructor(opts: RuntimeOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#events = new RunEvents(this.#now);
    this.#health = new ProviderHealth(opts.store, this.#now);
    const cfg = opts.config();
    this.#global = new Semaphore(cfg.defaults.maxConcurrent);
    this.#subagents = new Semaphore(cfg.defaults.subagents.maxConcurrent);
    this.#admin = {
      store: opts.store,
      config: opts.config,
      now: this.#now,
      abort: (key) => this.abort(key),
      waitEnded: async (runIds) => void (await Promise.all(runIds.map((id) => this.wait(id, SESSION_RESET_WAIT_MS)))),
      killProcesses: (key) => opts.services.processes.killSession(key),
      activeRunOf: (key) => this.#registry.active().find((r) => r.sessionKey === key)?.runId,
    };
    this.#host = new SessionToolHost({ runtime: this, store: opts.store, config: opts.config, log: opts.log, now: this.#now, processes: opts.services.processes });
  }

  send(req: RunRequest): RunAccepted {
    return this.enqueue(req, {});
  }

  /** Accept a run with runtime-internal hooks (used by sub-agent spawns). */
  enqueue(req: RunRequest, hooks: RunHooks): RunAccepted {
    if (this.#closed) throw new ClawgateError('AGENTS_STOPPING', 'the gateway is stopping; send the message again after it restarts');
    const cfg = this.#opts.config();
    const parsed = parseSessionKey(req.sessionKey, cfg.defaultAgentId);
    if (!cfg.agents.some((a) => a.id === parsed.agentId)) {
      throw new ClawgateError('UNKNOWN_AGENT', `unknown agent "${parsed.agentId}" (configured: ${cfg.agents.map((a) => a.id).join(', ')}); see clawgate config get agents`, { agentId: parsed.agentId });
    }
    if (req.message.trim().length === 0) throw new ClawgateError('INVALID_PARAMS', 'message is empty');
    if (req.message.length > MAX_MESSAGE_CHARS) throw new ClawgateError('INVALID_PARAMS', `message is longer than ${MAX_MESSAGE_CHARS} characters`);
    const now = this.#now();
    if (req.runId !== undefined) {
      const known = this.#registry.get(req.runId);
      if (known) return { runId: known.runId, sessionKey: known.sessionKey, status: 'in_flight', acceptedAtMs: known.queuedAtMs };
    }
    const lane = this.#lanes.get(parsed.key) ?? { running: undefined, queue: [] };
    if (lane.queue.length >= MAX_QUEUED_PER_SESSION || this.#pending >= MAX_PENDING_RUNS) {
      throw new ClawgateError('AGENT_QUEUE_FULL', `too many queued runs (${lane.queue.length} in ${parsed.key}, ${this.#pending} in all); wait for them or abort with chat.abort`, { sessionKey: parsed.key });
    }
    // Existence only: get() would count the transcript, which this hot path does not need.
    if (!this.#opts.store.sessions.exists(parsed.key)) this.#opts.store.write(() => this.#opts.store.sessions.ensure({ key: parsed.key, agentId: parsed.agentId, kind: parsed.kind, ...(req.label ? { label: req.label } : {}) }, now));
    const timeoutMs = req.timeoutMs ?? cfg.defaults.timeoutMs;
    const run = new ActiveRun({ runId: req.runId ?? randomUUID(), sessionKey: parsed.key, agentId: parsed.agentId, message: req.message, origin: req.origin, timeoutMs, nowMs: now, ...(req.extraSystemPrompt ? { extraSystemPrompt: req.extraSystemPrompt } : {}) });
    this.#registry.set(run.snapshot());
    if (hooks.onEnd) this.#hooks.set(run.runId, hooks);
    this.#pending++;
    lane.queue.push(run);
    this.#lanes.set(parsed.key, lane);
    this.#pump(parsed.key);
    return { runId: run.runId, sessionKey: parsed.key, status: 'started', acceptedAtMs: now };
  }

  #pump(key: string): void {
    const lane = this.#lanes.get(key);
    if (!lane || lane.running) return;
    const next = lane.queue.shift();
    if (!next) {
      this.#lanes.delete(key);
      return;
    }
    lane.running = next;
    void this.#execute(next).finally(() => {
      lane.running = undefined;
      this.#pending--;
      this.#pump(key);
    });
  }

  async #execute(run: ActiveRun): Promise<void> {
    const releases: Array<() => void> = [];
    const timer = setTimeout(() => run.abort('timeout'), run.timeoutMs);
    timer.unref();
    try {
      const cfg = this.#opts.config();
      this.#global.setLimit(cfg.defaults.maxConcurrent);
      this.#subagents.setLimit(cfg.defaults.subagents.maxConcurrent);
      if (run.origin.kind === 'subagent') releases.push(await this.#subagents.acquire(run.controller.signal));
      releases.push(await this.#global.acquire(run.controller.signal));
      run.status = 'running';
      run.startedAtMs = this.#now();
      this.#registry.set(run.snapshot());
      this.#events.start(run);
      await executeRun({ store: this.#opts.store, log: this.#opts.log, config: this.#opts.config, health: this.#health, createProvider: this.#opts.createProvider, host: this.#host, services: this.#opts.services, now: this.#now }, run, this.#events);
      run.status = 'ok';
    } catch (err) {
      const failure = describeRunFailure(run, err, this.#opts.config().providers, (id) => this.#pauseOf(id));
      run.status = failure.status;
      if (failure.error) run.error = failure.error;
      if (failure.status !== 'aborted') {
        this.#opts.log.warn({ runId: run.runId, sessionKey: run.sessionKey, code: failure.error?.code, errorClass: failure.error?.errorClass, providerId: failure.error?.providerId, detail: failure.logDetail }, `run failed: ${failure.error?.message ?? failure.status}`);
      }
    } finally {
      clearTimeout(timer);
      for (const release of releases.reverse()) release();
      // exec stops its own foreground process on abort; this makes sure nothing foreground outlives the run.
      void this.#opts.services.processes.killRun(run.runId);
    }
    this.#finish(run);
  }

  /** The current back-off window of a provider, if any (for the owner's error message). */
  #pauseOf(providerId: string): { untilMs: number; nowMs: number } | undefined {
    const untilMs = this.providerStatus().find((p) => p.id === providerId)?.untilMs;
    return untilMs !== undefined ? { untilMs, nowMs: this.#now() } : undefined;
  }

  /** Record the end of a run, emit its last events, and run its hooks. */
  #finish(run: ActiveRun): void {
    if (run.status === 'queued') run.status = 'aborted';
    run.endedAtMs = this.#now();
    const snap = run.snapshot();
    this.#registry.set(snap);
    if ((run.status === 'error' || run.status === 'timeout') && run.error) {
      this.#failures.unshift({ atMs: run.endedAtMs, runId: run.runId, sessionKey: run.sessionKey, error: run.error });
      this.#failures.length = Math.min(this.#failures.length, MAX_RECENT_FAILURES);
    }
    if (run.status === 'ok') this.#events.final(run, undefined);
    else if (run.status === 'aborted') this.#events.aborted(run);
    else this.#events.failed(run, describeRunFailure.userText(run));
    this.#opts.log.info({ runId: run.runId, sessionKey: run.sessionKey, status: run.status, durationMs: run.endedAtMs - (run.startedAtMs ?? run.queuedAtMs), usage: run.usage, origin: run.origin.kind }, 'run ended');
    const hooks = this.#hooks.get(run.runId);
    this.#hooks.delete(run.runId);
    hooks?.onEnd?.(snap);
  }

  abort(sessionKey: string, runId?: string): string[] {
    const cfg = this.#opts.config();
    const key = parseSessionKey(sessionKey, cfg.defaultAgentId).key;
    const lane = this.#lanes.get(key);
    if (!lane) return [];
    const targets = [...(lane.running ? [lane.running] : []), ...lane.queue].filter((r) => runId === undefined || r.runId === runId);
    for (const r of targets) {
      r.abort('user');
      const queuedAt = lane.queue.indexOf(r);
      if (queuedAt >= 0) {
        // A queued run never started: it ends now instead of when its turn would have come.
        lane.queue.splice(queuedAt, 1);
        this.#pending--;
        void this.#finish(r);
      }
    }
    return targets.map((r) => r.runId);
  }

  wait(runId: string, timeoutMs: number): Promise<RunSnapshot | undefined> {
    return this.#registry.wait(runId, timeoutMs);
  }

  run(runId: string): RunSnapshot | undefined {
    return this.#registry.get(runId);
  }

  history(sessionKey: string, limit: number): StoredMessage[] {
    const key = parseSessionKey(sessionKey, this.#opts.config().defaultAgentId).key;
    return this.#opts.store.transcripts.list(key, { limit });
  }

  sessions(filter: { agentId?: string; parentKey?: string; limit?: number } = {}): SessionSummary[] {
    const active = new Map(this.#registry.active().map((s) => [s.sessionKey, s.runId]));
    const deps = { ...this.#admin, activeRunOf: (key: string) => active.get(key) };
    const cfg = this.#opts.config();
    return this.#opts.store.sessions.list(filter).map((s) => summarize(deps, s, cfg));
  }

  sessionDefaults(): SessionDefaultsView {
    return sessionDefaults(this.#opts.config());
  }

  patchSession(sessionKey: string, patch: SessionPatch): SessionSummary {
    return patchSession(this.#admin, sessionKey, patch);
  }

  resetSession(sessionKey: string): Promise<{ session: SessionSummary; cleared: number; aborted: string[] }> {
    return resetSession(this.#admin, sessionKey);
  }

  deleteSession(sessionKey: string): Promise<{ key: string; deleted: boolean; aborted: string[] }> {
    return deleteSession(this.#admin, sessionKey);
  }

  defaultAgentId(): string {
    return this.#opts.config().defaultAgentId;
  }

  agents(): AgentSummary[] {
    return this.#opts.config().agents.map((a) => ({ id: a.id, ...(a.name ? { name: a.name } : {}), model: a.model, isDefault: a.isDefault }));
  }

  models(): ModelSummary[] {
    const cfg = this.#opts.config();
    const out = new Map<string, ModelSummary>();
    for (const p of cfg.providers) {
      for (const m of p.models) out.set(`${p.id}/${m.id}`, { id: `${p.id}/${m.id}`, name: m.name ?? m.id, provider: p.id, ...(m.contextWindow ? { contextWindow: m.contextWindow } : {}) });
    }
    // Models referenced by agents count too, even when the provider's list does not name them.
    for (const ref of [cfg.defaults.model, ...cfg.agents.map((a) => a.model)]) {
      if (!ref || out.has(ref)) continue;
      const slash = ref.indexOf('/');
      if (slash > 0) out.set(ref, { id: ref, name: ref.slice(slash + 1), provider: ref.slice(0, slash) });
    }
    return [...out.values()];
  }

  providerStatus(): ProviderStatus[] {
    return this.#health.status(this.#opts.config().providers);
  }

  resetProviders(providerId?: string): string[] {
    if (providerId !== undefined && !this.#opts.config().providers.some((p) => p.id === providerId)) {
      throw new ClawgateError('UNKNOWN_PROVIDER', `unknown provider "${providerId}" (configured: ${this.#opts.config().providers.map((p) => p.id).join(', ') || 'none'})`, { providerId });
    }
    return this.#health.reset(providerId);
  }

  toolSettings(): ToolSettings {
    return this.#opts.config().tools;
  }

  recentFailures(): RunFailureRecord[] {
    return [...this.#failures];
  }

  activeRunCount(): number {
    return this.#pending;
  }

  subscribe(listener: (event: RuntimeEvent) => void): () => void {
    return this.#events.subscribe(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const running: Promise<RunSnapshot | undefined>[] = [];
    for (const lane of this.#lanes.values()) {
      for (const r of [...(lane.running ? [lane.running] : []), ...lane.queue]) {
        r.abort('shutdown');
        running.push(this.#registry.wait(r.runId, 5000));
      }
    }
    await Promise.all(running);
    this.#registry.close();
  }
}
