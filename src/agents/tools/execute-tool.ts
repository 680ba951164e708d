import { compile, type Validator } from '../../protocol/schema.js';
import { ClawgateError } from '../../protocol/error-catalogue.js';
import { MAX_TOOL_RESULT_CHARS } from '../limits.js';
import type { ToolCall } from '../types.js';
import type { AgentTool, ToolContext } from './tool.js';

/** A tool call's outcome as it goes into the transcript. */
export interface ToolOutcome {
  readonly text: string;
  readonly isError: boolean;
  readonly result: unknown;
}

const validators = new WeakMap<AgentTool, Validator<AgentTool['parameters']>>();

function validatorOf(tool: AgentTool): Validator<AgentTool['parameters']> {
  let v = validators.get(tool);
  if (!v) validators.set(tool, (v = compile(tool.parameters)));
  return v;
}

function render(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return text.length > MAX_TOOL_RESULT_CHARS ? `${text.slice(0, MAX_TOOL_RESULT_CHARS)}…[truncated]` : text;
}

/**
 * Run one tool call: unknown or disallowed tools and invalid arguments become error results the model can
 * read and correct, never a failed run. Only an abort propagates.
 */
export async function executeTool(call: ToolCall, offered: ReadonlyMap<string, AgentTool>, ctx: ToolContext): Promise<ToolOutcome> {
  const tool = offered.get(call.name);
  if (!tool) {
    const error = `tool ${call.name} is not available to this agent (available: ${[...offered.keys()].join(', ') || 'none'})`;
    return { text: render({ status: 'error', error }), isError: true, result: { status: 'error', error } };
  }
  const validator = validatorOf(tool);
  if (!validator.check(call.arguments)) {
    const error = `invalid arguments for ${call.name}: ${validator.errors(call.arguments).join('; ')}`;
    return { text: render({ status: 'error', error }), isError: true, result: { status: 'error', error } };
  }
  try {
    const result = await tool.execute(call.arguments, ctx);
    return { text: render(result), isError: false, result };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const error = err instanceof ClawgateError ? err.message : `tool ${call.name} failed: ${(err as Error).message}`;
    const code = err instanceof ClawgateError ? err.code : undefined;
    const status = code === 'FORBIDDEN' ? 'forbidden' : code === 'EXEC_DENIED' ? 'denied' : 'error';
    return { text: render({ status, error }), isError: true, result: { status, error } };
  }
}
