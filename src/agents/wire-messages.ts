import type { WireContentBlock, WireMessage } from '../protocol/methods/chat.js';
import type { StoredMessage } from './runtime-api.js';

/** Most bytes of messages one chat.history answer carries (well under the 25 MiB frame limit); oldest dropped first. */
export const CHAT_HISTORY_MAX_BYTES = 16 * 1024 * 1024;

/**
 * One stored transcript entry in OpenClaw's chat.history shape; undefined for an excluded entry (an orphan
 * tool result or an unreadable row), which the transcript keeps but nobody is shown.
 */
export function toWireMessage(entry: StoredMessage): WireMessage | undefined {
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
      };
  }
}

/** A transcript in wire shape, oldest first, excluded entries omitted, within maxBytes (newest kept). */
export function toWireHistory(entries: readonly StoredMessage[], maxBytes = CHAT_HISTORY_MAX_BYTES): WireMessage[] {
  const out: WireMessage[] = [];
  let bytes = 0;
  for (let i = entries.length - 1; i >= 0; i--) {
    const wire = toWireMessage(entries[i]!);
    if (!wire) continue;
    bytes += Buffer.byteLength(JSON.stringify(wire)) + 1;
    if (bytes > maxBytes) break;
    out.push(wire);
  }
  return out.reverse();
}
