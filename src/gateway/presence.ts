import { hostname } from 'node:os';
import type { PresenceEntry } from '../protocol/connect-params.js';
import type { Connection } from './connection-state.js';

/** Presence entries for every authenticated connection. */
export function presenceOf(connections: Iterable<Connection>): PresenceEntry[] {
  const out: PresenceEntry[] = [];
  for (const conn of connections) {
    const s = conn.session;
    if (!s) continue;
    const entry: PresenceEntry = { host: hostname(), version: s.clientVersion, platform: s.platform, mode: s.clientMode, roles: [s.role], scopes: [...s.scopes], ts: s.connectedAtMs, reason: 'connect' };
    if (s.remoteIp) entry.ip = s.remoteIp;
    if (s.deviceId) entry.deviceId = s.deviceId;
    if (s.deviceFamily) entry.deviceFamily = s.deviceFamily;
    if (s.instanceId) entry.instanceId = s.instanceId;
    out.push(entry);
  }
  return out;
}
