import Anthropic from '@anthropic-ai/sdk';
import type {
  ContentBlockParam,
  MessageCreateParamsStreaming,
  MessageParam,
  RawMessageStreamEvent,
  Tool,
} from '@anthropic-ai/sdk/resources/messages';
import type { ModelProvider, ModelRequest, ModelStreamEvent, ResolvedProvider, ToolCall, ToolSpec, TranscriptMessage, Usage } from '../types.js';
import { ProviderError } from '../types.js';
import { StreamWatchdog, watchedStream } from './stream-watchdog.js';
import { parseToolArguments, syntheticToolCallId } from './tool-arguments.js';

/** The Messages API requires max_tokens; used when the request names none. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;
/** Used when no base URL is configured; explicit so ANTHROPIC_BASE_URL in the environment cannot redirect calls. */
export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
/** Sent when no key is configured (compatible local servers need none; the SDK wants a credential). */
export const ANTHROPIC_PLACEHOLDER_KEY = 'not-needed';

/** A provider speaking the Anthropic Messages API. */
export function createAnthropicProvider(p: ResolvedProvider): ModelProvider {
  const client = new Anthropic({
    apiKey: p.apiKey?.reveal() ?? ANTHROPIC_PLACEHOLDER_KEY,
    // null: never add ANTHROPIC_AUTH_TOKEN from the environment as a second credential.
    authToken: null,
    baseURL: p.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL,
    defaultHeaders: { ...p.headers },
    timeout: p.requestTimeoutMs,
    maxRetries: 0,
    // The SDK would print raw stream data on parse errors; our own errors carry scrubbed detail.
    logLevel: 'off',
  });

  return {
    id: p.id,
    api: 'anthropic-messages',
    async *stream(req: ModelRequest): AsyncIterable<ModelStreamEvent> {
      const watchdog = new StreamWatchdog(req.signal, p.requestTimeoutMs, { providerId: p.id, apiKey: p.apiKey });
      const body: MessageCreateParamsStreaming = {
        model: req.model,
        max_tokens: req.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
        messages: toAnthropicMessages(req.messages),
        stream: true,
        ...(req.system ? { system: req.system } : {}),
        ...(req.tools.length > 0 ? { tools: toAnthropicTools(req.tools) } : {}),
      };
      const acc = new EventAccumulator();
      yield* watchedStream(watchdog, (signal) => client.messages.create(body, { signal, timeout: p.requestTimeoutMs, maxRetries: 0 }), (e) => acc.add(e));
      yield acc.done(p.id);
    },
  };
}

/**
 * Transcript to Anthropic messages: tool results become user-role tool_result blocks, and consecutive
 * messages of one role merge (the API wants user and assistant to alternate).
 */
export function toAnthropicMessages(messages: readonly TranscriptMessage[]): MessageParam[] {
  const out: { role: 'user' | 'assistant'; content: ContentBlockParam[] }[] = [];
  for (const m of messages) {
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    const blocks = toBlocks(m);
    if (blocks.length === 0) continue;
    const last = out[out.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  // The API wants a user turn's tool results before its text.
  for (const m of out) {
    if (m.role === 'user') m.content = [...m.content.filter(isToolResult), ...m.content.filter((b) => !isToolResult(b))];
  }
  return out;
}

function toBlocks(m: TranscriptMessage): ContentBlockParam[] {
  if (m.role === 'tool') {
    return [{ type: 'tool_result', tool_use_id: m.toolCallId, content: m.text, ...(m.isError ? { is_error: true } : {}) }];
  }
  // The API refuses empty text blocks.
  const text: ContentBlockParam[] = m.text === '' ? [] : [{ type: 'text', text: m.text }];
  if (m.role === 'user') return text;
  return [...text, ...(m.toolCalls ?? []).map((c): ContentBlockParam => ({ type: 'tool_use', id: c.id, name: c.name, input: c.arguments }))];
}

function isToolResult(b: ContentBlockParam): boolean {
  return b.type === 'tool_result';
}

/** Tool specs to Anthropic tools (input_schema must be an object schema). */
export function toAnthropicTools(tools: readonly ToolSpec[]): Tool[] {
  return tools.map((t) => ({
    name: t.name,
    description: t.description,
    input_schema: { ...t.parameters, type: 'object' },
  }));
}

interface Block {
  kind: 'text' | 'tool_use' | 'other';
  id: string;
  name: string;
  json: string;
  input: unknown;
}

/** Folds stream events into text, tool calls (input_json_delta by block index), usage and stop reason. */
class EventAccumulator {
  #text = '';
  readonly #blocks = new Map<number, Block>();
  #usage: Usage = { inputTokens: 0, outputTokens: 0 };
  #stopReason = '';
  #started = false;
  #stopped = false;

  /** Returns the text delta of this event ('' when none). */
  add(event: RawMessageStreamEvent): string {
    switch (event.type) {
      case 'message_start': {
        this.#started = true;
        const u = event.message.usage;
        // Total input is the plain, cache-write and cache-read counts together.
        this.#usage = {
          inputTokens: (u?.input_tokens ?? 0) + (u?.cache_creation_input_tokens ?? 0) + (u?.cache_read_input_tokens ?? 0),
          outputTokens: u?.output_tokens ?? 0,
        };
        return '';
      }
      case 'content_block_start': {
        const b = event.content_block;
        const kind = b.type === 'text' ? 'text' : b.type === 'tool_use' ? 'tool_use' : 'other';
        const block: Block = { kind, id: '', name: '', json: '', input: undefined };
        if (b.type === 'tool_use') Object.assign(block, { id: b.id, name: b.name, input: b.input });
        this.#blocks.set(event.index, block);
        if (b.type === 'text' && b.text) {
          this.#text += b.text;
          return b.text;
        }
        return '';
      }
      case 'content_block_delta': {
        const d = event.delta;
        if (d.type === 'text_delta') {
          this.#text += d.text;
          return d.text;
        }
        if (d.type === 'input_json_delta') {
          const block = this.#blocks.get(event.index);
          if (block) block.json += d.partial_json;
        }
        return '';
      }
      case 'message_delta': {
        if (event.delta.stop_reason) this.#stopReason = event.delta.stop_reason;
        const u = event.usage;
        // message_delta counts are cumulative; input appears there only on some API versions.
        if (typeof u?.output_tokens === 'number') this.#usage.outputTokens = u.output_tokens;
        if (typeof u?.input_tokens === 'number') {
          this.#usage.inputTokens = u.input_tokens + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);
        }
        return '';
      }
      case 'message_stop':
        this.#stopped = true;
        return '';
      default:
        return '';
    }
  }

  done(providerId: string): ModelStreamEvent {
    if (!this.#started || !this.#stopped) {
      // A 200 whose body was not SSE, or a stream cut before message_stop: never pass a partial answer as whole.
      throw new ProviderError({
        providerId,
        errorClass: 'invalid_response',
        detail: !this.#started ? 'invalid_response: the response had no message_start event' : 'invalid_response: the stream ended before message_stop',
      });
    }
    const toolCalls: ToolCall[] = [...this.#blocks.entries()]
      .sort(([a], [b]) => a - b)
      .filter(([, b]) => b.kind === 'tool_use' && b.name !== '')
      .map(([, b]) => ({ id: b.id || syntheticToolCallId(), name: b.name, arguments: b.json !== '' ? parseToolArguments(b.json) : inputObject(b.input) }));
    return { type: 'done', text: this.#text, toolCalls, usage: { ...this.#usage }, stopReason: this.#stopReason || 'end_turn' };
  }
}

function inputObject(input: unknown): Record<string, unknown> {
  return typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
}
