import type { ToolSettings } from './tool-settings.js';
import type { SessionRecord } from '../store/sessions.js';
import type { StoredMessage } from '../store/transcripts.js';
import type { SessionTokenUsage } from '../store/session-usage.js';
import type { ProviderErrorClass, Usage } from './types.js';

/** Where a run came from; only `operator` runs are started by a connected device. */
export type RunOrigin =
  | { readonly kind: 'operator'; readonly deviceId?: string }
  | { readonly kind: 'cli-local' }
  | { readonly kind: 'subagent'; readonly parentSessionKey: string; readonly parentRunId: string }
  | { readonly kind: 'announce'; readonly childSessionKey: string }
  | { readonly kind: 'agent-send'; readonly fromSessionKey: string }
  | { readonly kind: 'cron'; readonly jobId: string }
  | { readonly kind: 'heartbeat' }
  | { readonly kind: 'channel'; readonly channel: string; readonly senderId: string };

/** Lifecycle of a run. `queued` waits for its session's previous run or a concurrency slot. */
export type RunStatus = 'queued' | 'running' | 'ok' | 'error' | 'aborted' | 'timeout';

/** A run's error as the owner sees it: a catalogue code, the provider class when a provider failed, the fix. */
export interface RunError {
  readonly code: string;
  readonly message: string;
  readonly providerId?: string;
  readonly errorClass?: ProviderErrorClass;
}

/** What `agent.wait` and the runtime report about one run. */
export interface RunSnapshot {
  readonly runId: string;
  readonly sessionKey: string;
  readonly agentId: string;
  readonly status: RunStatus;
  readonly queuedAtMs: number;
  readonly startedAtMs?: number;
  readonly endedAtMs?: number;
  /** The final assistant text of the run (last model turn). */
  readonly text?: string;
  readonly error?: RunError;
  readonly usage: Usage;
}

/** A request to run the agent of a session on a new message. */
export interface RunRequest {
  readonly sessionKey: string;
  readonly message: string;
  /** Idempotency: the same runId sent twice starts one run. */
  readonly runId?: string;
  readonly timeoutMs?: number;
  readonly origin: RunOrigin;
  /** Added to the agent's system prompt for this run only. */
  readonly extraSystemPrompt?: string;
  /** Label for a session this request creates (an existing session keeps its label). */
  readonly label?: string;
}

/** Result of accepting a run. `in_flight`: that runId is already known (idempotent repeat). */
/** Extra facts the runtime keeps for a queued run (sub-agent bookkeeping). */
export interface RunHooks {
  /** Called after the run ended and its snapshot was recorded. */
  readonly onEnd?: (s: RunSnapshot) => void;
}

export interface RunAccepted {
  readonly runId: string;
  readonly sessionKey: string;
  readonly status: 'started' | 'in_flight';
  readonly acceptedAtMs: number;
}

// Stored transcript entries and session kinds are defined below (store, protocol); the runtime's API names them.
export type { StoredMessage } from '../store/transcripts.js';
export type { SessionKind } from '../protocol/session-key.js';

/** A session as listed: the stored record plus what the runtime knows of it now. */
export interface SessionSummary extends SessionRecord {
  /** Set when a run of this session is queued or running. */
  readonly activeRunId?: string;
  /** The model its next run uses: its override, else its agent's. */
  readonly effectiveModel?: string;
  /** That model's context window, when the provider's config names it. */
  readonly contextTokens?: number;
  /** Token counts from its transcript; absent before its first model call. */
  readonly usage?: SessionTokenUsage;
}

/** What a session uses unless it says otherwise. */
export interface SessionDefaultsView {
  readonly model?: string;
  readonly contextTokens?: number;
}

/** A change to a session: a value sets, null clears, absent leaves as is. */
export interface SessionPatch {
  readonly label?: string | null;
  readonly model?: string | null;
}

/** An agent as configured (after defaults). */
export interface AgentSummary {
  readonly id: string;
  readonly name?: string;
  readonly model: string | undefined;
  readonly isDefault: boolean;
}

/** A model offered by a configured provider. `id` is the full reference `provider/model`. */
export interface ModelSummary {
  readonly id: string;
  readonly name: string;
  readonly provider: string;
  readonly contextWindow?: number;
}

/** A provider's health as the owner sees it. */
export interface ProviderStatus {
  readonly id: string;
  readonly api: string;
  readonly baseUrl: string | undefined;
  /** Where the key comes from: config, env NAME, or none; with a short fingerprint, never the value. */
  readonly keySource: string;
  readonly keyFingerprint?: string;
  readonly state: 'ok' | 'cooldown' | 'credential-rejected';
  readonly errorClass?: ProviderErrorClass;
  readonly untilMs?: number;
  readonly failures?: number;
  readonly detail?: string;
  /** The next step for the owner when not ok. */
  readonly fix?: string;
}

/** Events the runtime emits; the gateway maps them to `chat` and `agent` protocol events. */
export type RuntimeEvent =
  | { readonly type: 'chat'; readonly payload: ChatEventPayload }
  | { readonly type: 'agent'; readonly payload: AgentEventPayload };

/** OpenClaw's chat event: `message` carries the assistant text so far (delta) or in full (final). */
export interface ChatEventPayload {
  readonly runId: string;
  readonly sessionKey: string;
  readonly seq: number;
  readonly state: 'delta' | 'final' | 'aborted' | 'error';
  readonly message?: { readonly role: 'assistant'; readonly content: readonly { type: 'text'; text: string }[]; readonly timestamp: number };
  readonly errorMessage?: string;
  readonly usage?: Usage;
  readonly stopReason?: string;
}

/** OpenClaw's agent event: stream `lifecycle` (phase start/end/error) or `tool` (phase start/result). */
export interface AgentEventPayload {
  readonly runId: string;
  readonly sessionKey: string;
  readonly seq: number;
  readonly stream: 'lifecycle' | 'tool' | 'assistant';
  readonly ts: number;
  readonly data: Record<string, unknown>;
}

/** A failed run as the owner sees it in status: when, where, the catalogue code, the provider class. */
export interface RunFailureRecord {
  readonly atMs: number;
  readonly runId: string;
  readonly sessionKey: string;
  readonly error: RunError;
}

/** The agent runtime as the gateway's handlers and the CLI's local paths use it. */
export interface AgentRuntimeApi {
  send(req: RunRequest): RunAccepted;
  /** Abort the session's running and queued runs (or just runId); returns the runIds aborted. */
  abort(sessionKey: string, runId?: string): string[];
  /** Resolves with the run's snapshot once it ended, or undefined when timeoutMs passed first. */
  wait(runId: string, timeoutMs: number): Promise<RunSnapshot | undefined>;
  /** The snapshot of a run this process knows (bounded memory of recent runs). */
  run(runId: string): RunSnapshot | undefined;
  history(sessionKey: string, limit: number): StoredMessage[];
  sessions(filter?: { agentId?: string; parentKey?: string; limit?: number }): SessionSummary[];
  /** The default agent's model and its context window. */
  sessionDefaults(): SessionDefaultsView;
  /** Set or clear a session's label or model override (UNKNOWN_SESSION, MODEL_NOT_CONFIGURED). */
  patchSession(sessionKey: string, patch: SessionPatch): SessionSummary;
  /** Start a session over: runs aborted, processes killed, transcript deleted; label and model stay. */
  resetSession(sessionKey: string): Promise<{ session: SessionSummary; cleared: number; aborted: string[] }>;
  /** Remove a session and its transcript (runs aborted, processes killed first). */
  deleteSession(sessionKey: string): Promise<{ key: string; deleted: boolean; aborted: string[] }>;
  agents(): AgentSummary[];
  /** The default agent's id: the one resolver (config's `default: true`, else the first, else `main`). */
  defaultAgentId(): string;
  models(): ModelSummary[];
  providerStatus(): ProviderStatus[];
  /** Clear provider marks (one provider or all); returns the ids cleared. */
  resetProviders(providerId?: string): string[];
  subscribe(listener: (event: RuntimeEvent) => void): () => void;
  /** The most recent failed runs, newest first (bounded). */
  recentFailures(): RunFailureRecord[];
  /** The tools section as it is now (exec guard, sandbox setting, web limits). */
  toolSettings(): ToolSettings;
  /** Runs queued or running now. */
  activeRunCount(): number;
  /** Abort every run and stop accepting new ones. */
  close(): Promise<void>;
}
