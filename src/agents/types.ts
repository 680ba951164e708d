import type { ProviderErrorClass } from '../protocol/provider-error-class.js';
import type { ToolCall, TranscriptMessage, Usage } from '../store/transcripts.js';

/**
 * Provider-neutral shapes shared by the agent runtime and the providers. A transcript is a list of messages;
 * providers translate them to their wire format and back.
 */

// A transcript message is what the store persists, so the store defines it; the error classes are a wire
// value (agent.wait, models.status), so protocol names them. The runtime uses both from here.
export type { ToolCall, TranscriptMessage, Usage } from '../store/transcripts.js';
export { PROVIDER_ERROR_CLASSES, type ProviderErrorClass } from '../protocol/provider-error-class.js';

/** A tool as offered to the model: JSON-schema parameters. */
export interface ToolSpec {
  readonly name: string;
  readonly description: string;
  readonly parameters: Record<string, unknown>;
}

/** One model call. The signal aborts the HTTP request (user abort or run timeout). */
export interface ModelRequest {
  /** Model name as the provider knows it (the part after `provider/`). */
  readonly model: string;
  readonly system?: string;
  readonly messages: readonly TranscriptMessage[];
  readonly tools: readonly ToolSpec[];
  readonly signal: AbortSignal;
  readonly maxTokens?: number;
}

/** What a streaming model call yields: text deltas as they arrive, then exactly one `done`. */
export type ModelStreamEvent =
  | { readonly type: 'text'; readonly delta: string }
  | {
      readonly type: 'done';
      readonly text: string;
      readonly toolCalls: readonly ToolCall[];
      readonly usage: Usage;
      readonly stopReason: string;
    };

/** The provider APIs Clawgate speaks. */
export type ProviderApi = 'openai-completions' | 'anthropic-messages';

/** A configured model provider, ready to call. Throws ProviderError (classified) on failure. */
export interface ModelProvider {
  readonly id: string;
  readonly api: ProviderApi;
  stream(req: ModelRequest): AsyncIterable<ModelStreamEvent>;
}

/**
 * A classified provider failure. `detail` is for the owner (logs, status): status code and the provider's
 * error type/message, already scrubbed of key material and URLs' credentials. It never reaches end users.
 */
export class ProviderError extends Error {
  readonly providerId: string;
  readonly errorClass: ProviderErrorClass;
  readonly status: number | undefined;
  readonly detail: string;
  readonly retryAfterMs: number | undefined;

  constructor(init: { providerId: string; errorClass: ProviderErrorClass; status?: number; detail: string; retryAfterMs?: number }) {
    super(`provider ${init.providerId}: ${init.errorClass}${init.status !== undefined ? ` (HTTP ${init.status})` : ''}: ${init.detail}`);
    this.name = 'ProviderError';
    this.providerId = init.providerId;
    this.errorClass = init.errorClass;
    this.status = init.status;
    this.detail = init.detail;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** A provider from config with its key resolved (literal in config, or from an environment variable). */
export interface ResolvedProvider {
  readonly id: string;
  readonly api: ProviderApi;
  /** Base URL of the API; undefined means the SDK's default (api.openai.com / api.anthropic.com). */
  readonly baseUrl: string | undefined;
  /** The key; undefined when none is configured (local OpenAI-compatible servers often need none). */
  readonly apiKey: import('../auth/secret.js').Secret | undefined;
  /** `config`, `env NAME`, `env NAME (unset)` or `none`: shown to the owner, never the value. */
  readonly keySource: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Per-request HTTP timeout. */
  readonly requestTimeoutMs: number;
  /** Models the config lists for this provider (names without the provider prefix). */
  readonly models: readonly { readonly id: string; readonly name?: string; readonly contextWindow?: number; readonly maxTokens?: number }[];
}
