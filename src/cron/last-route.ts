import { ClawgateError } from '../protocol/error-catalogue.js';
import type { ChannelTarget } from '../channels/channel.js';
import type { Store } from '../store/store.js';

/** The channel value meaning "where the agent was last talked to" (OpenClaw's default for announce). */
export const LAST_CHANNEL = 'last';
/** Sessions looked at to find the last chat. */
const LAST_ROUTE_SCAN = 200;

const DM_KEY = /^agent:[^:]+:([a-z0-9_-]+):dm:(.+)$/;

/**
 * The announce target of a job: its channel and `to`, or, for channel `last` (or no `to`), the chat of the
 * agent's most recently active direct-message session. Throws CHANNEL_UNAVAILABLE naming the fix when no chat
 * has talked to the agent yet.
 */
export function announceTarget(store: Store, agentId: string, delivery: { channel?: string; to?: string }): ChannelTarget {
  if (delivery.channel && delivery.channel !== LAST_CHANNEL && delivery.to) return { channel: delivery.channel, to: delivery.to };
  for (const s of store.sessions.recent(agentId, LAST_ROUTE_SCAN)) {
    const m = DM_KEY.exec(s.key);
    if (m && (!delivery.channel || delivery.channel === LAST_CHANNEL || delivery.channel === m[1])) return { channel: m[1]!, to: m[2]! };
  }
  throw new ClawgateError('CHANNEL_UNAVAILABLE', `nobody has talked to agent ${agentId} on a chat channel yet, so the "last" chat is unknown; give the job --channel telegram --to <chat id>`, { agentId });
}
