import { randomUUID } from 'node:crypto';

/**
 * Parse a model's tool-call arguments. Models do send invalid or non-object JSON; the call then gets
 * `{}` and goes on, so the tool reports the missing arguments to the model instead of the run failing.
 */
export function parseToolArguments(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** An id for a tool call the server sent without one (tool results must name their call). */
export function syntheticToolCallId(): string {
  return `call_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}
