/**
 * Transcript repair: providers refuse a transcript where a tool result answers no open call, where a call
 * gets two results, or where a call has no result before the conversation goes on. A gateway stop or an
 * abort between a tool call and its result leaves exactly that. Repair never rewrites a row: orphans and
 * duplicates are marked excluded, and a dangling call gets a synthetic error result listed right after
 * the assistant message that made it.
 */
import type { Store } from '../store/store.js';
import type { StoredMessage } from './runtime-api.js';
import type { TranscriptMessage } from './types.js';

/** Why a tool result is excluded from what providers see. */
export type ExcludeReason = 'orphan tool result' | 'duplicate tool result';

/** One change that makes a transcript valid for providers. */
export type Repair =
  | { readonly kind: 'exclude'; readonly id: number; readonly reason: ExcludeReason }
  | { readonly kind: 'answer'; readonly assistantId: number; readonly toolCallId: string; readonly name: string };

/** The text of the synthetic result that answers an interrupted tool call. */
export const INTERRUPTED_TOOL_RESULT_TEXT =
  'error: this tool call was interrupted before it returned a result (the gateway stopped or the run was aborted)';

interface OpenTurn {
  readonly assistantId: number;
  /** Calls of the latest assistant message, in its order: id → name. */
  readonly calls: Map<string, string>;
  readonly answered: Set<string>;
}

/**
 * What to change so the transcript is valid for providers. `entries` are in list order (see
 * Transcripts.list); excluded entries are ignored. Only the calls of the latest assistant message are
 * open, and only until the next user or assistant message: every unanswered call is then dangling, and
 * so are those at the end (the runtime repairs only when no tool of the session is running).
 */
export function planRepair(entries: readonly StoredMessage[]): Repair[] {
  const repairs: Repair[] = [];
  let turn: OpenTurn | undefined;
  const close = (): void => {
    if (!turn) return;
    for (const [toolCallId, name] of turn.calls) {
      if (!turn.answered.has(toolCallId)) repairs.push({ kind: 'answer', assistantId: turn.assistantId, toolCallId, name });
    }
    turn = undefined;
  };
  for (const entry of entries) {
    if (entry.excludedReason !== null) continue;
    const m = entry.message;
    if (m.role === 'tool') {
      if (!turn || !turn.calls.has(m.toolCallId)) repairs.push({ kind: 'exclude', id: entry.id, reason: 'orphan tool result' });
      else if (turn.answered.has(m.toolCallId)) repairs.push({ kind: 'exclude', id: entry.id, reason: 'duplicate tool result' });
      else turn.answered.add(m.toolCallId);
      continue;
    }
    close();
    if (m.role === 'assistant' && m.toolCalls && m.toolCalls.length > 0) {
      turn = { assistantId: entry.id, calls: new Map(m.toolCalls.map((c) => [c.id, c.name])), answered: new Set() };
    }
  }
  close();
  return repairs;
}

/** The synthetic result for an interrupted call. */
export function interruptedResult(toolCallId: string, name: string): TranscriptMessage {
  return { role: 'tool', toolCallId, name, text: INTERRUPTED_TOOL_RESULT_TEXT, isError: true };
}

/** Persist repairs in one transaction: exclusion marks, and synthetic results placed after their assistant message. */
export function applyRepair(store: Store, sessionKey: string, repairs: readonly Repair[], nowMs: number): { excluded: number; answered: number } {
  return store.write(() => {
    let excluded = 0;
    let answered = 0;
    for (const r of repairs) {
      if (r.kind === 'exclude') {
        if (store.transcripts.exclude(r.id, r.reason)) excluded++;
      } else {
        store.transcripts.append(sessionKey, null, [interruptedResult(r.toolCallId, r.name)], nowMs, { repairOf: r.assistantId });
        answered++;
      }
    }
    return { excluded, answered };
  });
}

/** What a provider is sent: the entries' messages without the excluded ones. */
export function providerView(entries: readonly StoredMessage[]): TranscriptMessage[] {
  return entries.filter((e) => e.excludedReason === null).map((e) => e.message);
}
