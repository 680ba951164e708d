import type { WireContentBlock, WireMessage } from '../protocol/methods/chat.js';
import { UNREADABLE_REASON } from '../store/transcripts.js';
import type { StoredMessage } from './runtime-api.js';

/** Most bytes of messages one chat.history answer carries (well under the 25 MiB frame limit); oldest dropped first. */
export const CHAT_HISTORY_MAX_BYTES = 16 * 1024 * 1024;

/** The text of the marker that stands for an unreadable entry: its place in the answer and its row id. */
export function unreadableMarkerText(position: number, rowId: number): string {
  return `[entry ${position} of this history could not be read (transcript row id ${rowId}); run clawgate doctor to quarantine it]`;
}

/** True for a row whose body cannot be read and that nothing has marked yet: history shows a marker for it. */
export function isUnmarkedUnreadable(entry: StoredMessage): boolean {
  return entry.unreadable === true && entry.excludedReason === UNREADABLE_REASON;
}

/** The marker for an unreadable entry, in the role its row says (a wire-valid message of that role). */
function unreadableMarker(entry: StoredMessage, position: number): WireMessage {
  const content = [{ type: 'text' as const, text: unreadableMarkerText(position, entry.id) }];
  const timestamp = entry.createdAtMs;
  if (entry.message.role === 'tool') return { role: 'toolResult', content, timestamp, toolCallId: '', toolName: 'unreadable', isError: true };
  return { role: entry.message.role, content, timestamp };
}

/**
 * One stored transcript entry in OpenClaw's chat.history shape; undefined for an excluded entry (an orphan
 * tool result, a quarantined row), which the transcript keeps but nobody is shown. An unreadable row that
 * nothing has marked yet is shown as a marker (at `position` in the answer): corruption is never silent.
 */
export function toWireMessage(entry: StoredMessage, position = 0): WireMessage | undefined {
  if (isUnmarkedUnreadable(entry)) return unreadableMarker(entry, position);
  if (entry.excludedReason !== null) return undefined;
  const m = entry.message;
  const timestamp = entry.createdAtMs;
  switch (m.role) {
    case 'user':
      return { role: 'user', content: [{ type: 'text', text: m.text }], timestamp };
    case 'assistant': {
      const calls = m.toolCalls ?? [];
      const content: WireContentBlock[] = [];
      // A turn that only calls tools has no text block; a turn with neither keeps its (empty) text.
      if (m.text !== '' || calls.length === 0) content.push({ type: 'text', text: m.text });
      for (const c of calls) content.push({ type: 'toolCall', id: c.id, name: c.name, arguments: c.arguments });
      return { role: 'assistant', content, timestamp };
    }
    case 'tool':
      return {
        role: 'toolResult',
        content: [{ type: 'text', text: m.text }],
        timestamp,
        toolCallId: m.toolCallId,
        toolName: m.name,
        isError: m.isError === true,
        ...(m.durationMs !== undefined ? { durationMs: m.durationMs } : {}),
      };
  }
}

/** A transcript in wire shape, oldest first, excluded entries omitted (unreadable ones marked), within maxBytes (newest kept). */
export function toWireHistory(entries: readonly StoredMessage[], maxBytes = CHAT_HISTORY_MAX_BYTES): WireMessage[] {
  const kept: StoredMessage[] = [];
  let bytes = 0;
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!;
    // Sized as a marker with a wide position; the real position is known once the oldest kept entry is.
    const wire = toWireMessage(entry, entries.length);
    if (!wire) continue;
    bytes += Buffer.byteLength(JSON.stringify(wire)) + 1;
    if (bytes > maxBytes) break;
    kept.push(entry);
  }
  return kept.reverse().map((e, i) => toWireMessage(e, i + 1)!);
}
