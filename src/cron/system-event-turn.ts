import { MAX_MESSAGE_CHARS } from '../protocol/limits.js';
import type { AgentRuntimeApi, RunOrigin } from '../agents/runtime-api.js';
import type { Store } from '../store/store.js';
import type { SystemEvent } from '../store/system-events.js';

/** How each queued event reads in the turn that consumes it. */
export const SYSTEM_EVENT_PREFIX = '[system event] ';

/** The message of a turn consuming events: one `[system event] ...` line (block) per event, oldest first. */
export function formatSystemEvents(events: readonly SystemEvent[]): string {
  return events.map((e) => `${SYSTEM_EVENT_PREFIX}${e.text}`).join('\n');
}

/** Remove a session's queued events (as many as fit in one message); call inside a store transaction. */
export function takeSystemEvents(store: Store, sessionKey: string): SystemEvent[] {
  return store.systemEvents.take(sessionKey, MAX_MESSAGE_CHARS, (e) => SYSTEM_EVENT_PREFIX.length + e.text.length + 1);
}

/**
 * Start the turn that consumes events already taken from the queue. When the runtime refuses (stopping,
 * queue full), the events go back to the queue so a later turn sees them; the error is rethrown.
 */
export function sendSystemEventTurn(
  store: Store,
  runtime: Pick<AgentRuntimeApi, 'send'>,
  sessionKey: string,
  events: readonly SystemEvent[],
  origin: RunOrigin,
  runId?: string,
): string {
  try {
    return runtime.send({ sessionKey, message: formatSystemEvents(events), origin, ...(runId !== undefined ? { runId } : {}) }).runId;
  } catch (err) {
    try {
      store.write(() => {
        for (const e of events) store.systemEvents.enqueue(e.sessionKey, e.text, e.source, e.createdAtMs);
      });
    } catch {
      // The store is closing with the gateway: the events are lost with the refused turn, as a crash would lose them.
    }
    throw err;
  }
}
