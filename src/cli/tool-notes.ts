import { inert } from '../protocol/display-text.js';
import { clip, tookText } from './commands/sessions/history.js';

/** Longest tool argument or error text in a progress note. */
export const TOOL_NOTE_MAX_CHARS = 120;

interface ToolEventData {
  readonly phase?: unknown;
  readonly name?: unknown;
  readonly args?: unknown;
  readonly isError?: unknown;
  readonly durationMs?: unknown;
  readonly result?: unknown;
  readonly status?: unknown;
  readonly approvalId?: unknown;
  readonly expiresAtMs?: unknown;
}

function errorOf(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const e = (result as { error?: unknown }).error;
  return typeof e === 'string' ? e : undefined;
}

/**
 * The stderr line for one `agent` tool event of a followed run: the call as it starts, the wait for the
 * owner's approval (with the commands that end it), and the result with its time. Everything the model
 * chose (tool names, arguments, errors) is shown inertly. Undefined for events that need no line.
 */
export function toolNote(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as ToolEventData;
  const name = inert(typeof d.name === 'string' ? d.name : 'tool', 64);
  if (d.phase === 'start') return `→ ${name}(${clip(JSON.stringify(d.args ?? {}), TOOL_NOTE_MAX_CHARS)})`;
  if (d.phase === 'update' && d.status === 'waiting-approval' && typeof d.approvalId === 'string') {
    const id = inert(d.approvalId, 64);
    const until = typeof d.expiresAtMs === 'number' ? `, expires ${new Date(d.expiresAtMs).toLocaleTimeString()}` : '';
    return `… ${name} is waiting for the owner's approval (${id}${until}): clawgate approvals approve ${id}  |  clawgate approvals deny ${id}`;
  }
  if (d.phase === 'result') {
    const took = tookText(typeof d.durationMs === 'number' ? d.durationMs : undefined);
    if (d.isError !== true) return `← ${name}${took}`;
    const error = errorOf(d.result);
    return `← ${name} failed${took}${error ? `: ${clip(error, TOOL_NOTE_MAX_CHARS)}` : ''}`;
  }
  return undefined;
}
