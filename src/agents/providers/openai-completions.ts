import OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import type { ModelProvider, ModelRequest, ModelStreamEvent, ResolvedProvider, ToolCall, ToolSpec, TranscriptMessage, Usage } from '../types.js';
import { ProviderError } from '../types.js';
import { parseToolArguments, syntheticToolCallId } from './tool-arguments.js';
import { StreamWatchdog, watchedStream } from './stream-watchdog.js';

/** Used when no base URL is configured; explicit so OPENAI_BASE_URL in the environment cannot redirect calls. */
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
/** Sent when no key is configured: local OpenAI-compatible servers need none, the SDK insists on one. */
export const OPENAI_PLACEHOLDER_KEY = 'not-needed';

/** A provider speaking OpenAI chat completions (OpenAI itself, Ollama, vLLM, llama.cpp, LM Studio, ...). */
export function createOpenAiProvider(p: ResolvedProvider): ModelProvider {
  const client = new OpenAI({
    apiKey: p.apiKey?.reveal() ?? OPENAI_PLACEHOLDER_KEY,
    baseURL: p.baseUrl ?? OPENAI_DEFAULT_BASE_URL,
    // null: never pick up OPENAI_ORG_ID / OPENAI_PROJECT_ID from the environment.
    organization: null,
    project: null,
    defaultHeaders: { ...p.headers },
    timeout: p.requestTimeoutMs,
    maxRetries: 0,
    // The SDK would print raw stream data on parse errors; our own errors carry scrubbed detail.
    logLevel: 'off',
  });
  // api.openai.com rejects max_tokens for newer models; compatible servers know only max_tokens.
  const maxTokensField = p.baseUrl === undefined ? 'max_completion_tokens' : 'max_tokens';

  return {
    id: p.id,
    api: 'openai-completions',
    async *stream(req: ModelRequest): AsyncIterable<ModelStreamEvent> {
      const watchdog = new StreamWatchdog(req.signal, p.requestTimeoutMs, { providerId: p.id, apiKey: p.apiKey });
      const body: ChatCompletionCreateParamsStreaming = {
        model: req.model,
        messages: toOpenAiMessages(req.system, req.messages),
        stream: true,
        stream_options: { include_usage: true },
        ...(req.tools.length > 0 ? { tools: toOpenAiTools(req.tools) } : {}),
        ...(req.maxTokens !== undefined ? { [maxTokensField]: req.maxTokens } : {}),
      };
      const acc = new ChunkAccumulator();
      yield* watchedStream(watchdog, (signal) => client.chat.completions.create(body, { signal, timeout: p.requestTimeoutMs, maxRetries: 0 }), (e) => acc.add(e));
      yield acc.done(p.id);
    },
  };
}

/** Transcript (+ system prompt) to OpenAI chat messages. */
export function toOpenAiMessages(system: string | undefined, messages: readonly TranscriptMessage[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  if (system) out.push({ role: 'system', content: system });
  for (const m of messages) {
    if (m.role === 'user') out.push({ role: 'user', content: m.text });
    else if (m.role === 'tool') {
      // Chat completions has no error flag on tool results; say it in the content.
      out.push({ role: 'tool', tool_call_id: m.toolCallId, content: m.isError ? `Error: ${m.text}` : m.text });
    } else if (m.toolCalls && m.toolCalls.length > 0) {
      out.push({
        role: 'assistant',
        content: m.text === '' ? null : m.text,
        tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.arguments) } })),
      });
    } else out.push({ role: 'assistant', content: m.text });
  }
  return out;
}

/** Tool specs to OpenAI function tools. */
export function toOpenAiTools(tools: readonly ToolSpec[]): ChatCompletionTool[] {
  return tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
}

interface PartialCall {
  id: string;
  name: string;
  args: string;
}

/** Folds stream chunks into text, tool calls (accumulated by index), usage and the finish reason. */
class ChunkAccumulator {
  #text = '';
  readonly #calls = new Map<number, PartialCall>();
  #usage: Usage = { inputTokens: 0, outputTokens: 0 };
  #finish: string | undefined;
  #chunks = 0;

  /** Returns the text delta of this chunk ('' when none). */
  add(chunk: ChatCompletionChunk): string {
    this.#chunks++;
    if (chunk.usage) this.#usage = { inputTokens: chunk.usage.prompt_tokens ?? 0, outputTokens: chunk.usage.completion_tokens ?? 0 };
    const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (!choice) return '';
    if (choice.finish_reason) this.#finish = choice.finish_reason;
    const delta = choice.delta ?? {};
    (delta.tool_calls ?? []).forEach((tc, position) => {
      const index = typeof tc.index === 'number' ? tc.index : position;
      const call = this.#calls.get(index) ?? { id: '', name: '', args: '' };
      // Some servers repeat id and name in every delta; only arguments arrive in pieces.
      if (tc.id && !call.id) call.id = tc.id;
      if (tc.function?.name && !call.name) call.name = tc.function.name;
      if (tc.function?.arguments) call.args += tc.function.arguments;
      this.#calls.set(index, call);
    });
    const text = typeof delta.content === 'string' ? delta.content : '';
    this.#text += text;
    return text;
  }

  done(providerId: string): ModelStreamEvent {
    if (this.#chunks === 0 || this.#finish === undefined) {
      // A 200 whose body was not SSE, or a stream cut before its end: never pass a partial answer as whole.
      throw new ProviderError({
        providerId,
        errorClass: 'invalid_response',
        detail: this.#chunks === 0 ? 'invalid_response: the response had no stream events' : 'invalid_response: the stream ended without a finish_reason',
      });
    }
    const toolCalls: ToolCall[] = [...this.#calls.entries()]
      .sort(([a], [b]) => a - b)
      .filter(([, c]) => c.name !== '')
      .map(([, c]) => ({ id: c.id || syntheticToolCallId(), name: c.name, arguments: parseToolArguments(c.args) }));
    return { type: 'done', text: this.#text, toolCalls, usage: this.#usage, stopReason: this.#finish };
  }
}
