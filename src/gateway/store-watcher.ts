import type { Logger } from 'pino';
import type { Channels } from '../channels/channel.js';
import { channelPairingEffects } from '../channels/pairing-effects.js';
import { DEVICE_PAIRING_EFFECTS } from '../pairing/pairing-effects.js';
import { CLOSE_CODES } from '../protocol/events.js';
import type { AuditEffectPorts, AuditEffectTable } from '../store/audit-effect.js';
import type { AuditEvent, AuditKind } from '../store/audit.js';
import type { Store } from '../store/store.js';
import type { Broadcaster } from './broadcaster.js';
import type { Connection } from './connection-state.js';

/** Join the domains' effect tables; a kind claimed by two domains is a wiring bug, caught at start. */
export function joinEffectTables(...tables: AuditEffectTable[]): AuditEffectTable {
  const joined: AuditEffectTable = {};
  for (const table of tables) {
    for (const kind of Object.keys(table) as AuditKind[]) {
      if (joined[kind]) throw new Error(`audit kind ${kind} has two effects`);
      joined[kind] = table[kind];
    }
  }
  return joined;
}

/**
 * Tails the audit log and turns committed changes into effects through one table (audit kind -> effect),
 * contributed by the domains: device pairing (events, closes for sockets whose credentials changed), channel
 * DM pairing (events, the approval notice) and exec approvals (events, waking the waiting run). Changes made by the CLI directly on the store (the never-locked-out
 * path) take effect the same way as RPC ones. It starts at the log's end: a restart replays nothing.
 */
export class StoreWatcher {
  #lastId: number;
  readonly #effects: AuditEffectTable;
  readonly #ports: AuditEffectPorts;

  constructor(
    private readonly store: Store,
    connections: Set<Connection>,
    broadcaster: Broadcaster,
    channels: Pick<Channels, 'deliver'>,
    private readonly log?: Logger,
    /** Effect tables of further domains (exec approvals), joined with the pairing ones. */
    moreEffects: readonly AuditEffectTable[] = [],
  ) {
    this.#lastId = store.audit.lastId();
    this.#effects = joinEffectTables(DEVICE_PAIRING_EFFECTS, channelPairingEffects(channels), ...moreEffects);
    this.#ports = {
      store,
      log,
      broadcast: (event, payload) => broadcaster.broadcast(event, payload),
      closeDevice: (deviceId, role, reason) => {
        for (const conn of connections) {
          const s = conn.session;
          if (s?.deviceId === deviceId && (role === undefined || s.role === role)) conn.ws.close(CLOSE_CODES.credentialsChanged, reason);
        }
      },
    };
  }

  #seenHere = 0;

  /** Poll only if this process appended audit rows since the last look (the hot path after each request). */
  pollIfWrittenHere(): void {
    if (this.store.audit.appendedHere === this.#seenHere) return;
    this.poll();
  }

  /** Apply every audit event committed since the last call, by any process. */
  poll(): void {
    this.#seenHere = this.store.audit.appendedHere;
    for (;;) {
      const events = this.store.audit.after(this.#lastId);
      if (events.length === 0) return;
      for (const e of events) {
        // Advanced before the effect runs: a row whose effect fails is not retried (and never applied twice).
        this.#lastId = e.id;
        this.#apply(e);
      }
    }
  }

  #apply(e: AuditEvent): void {
    const effect = this.#effects[e.kind];
    if (!effect) return;
    // Decisions by any process (RPC, the CLI on the store) land in the gateway's log once, here.
    if (effect.logAs) {
      const channel = e.detail?.['channel'];
      const senderId = e.detail?.['senderId'];
      this.log?.info({ event: e.kind, deviceId: e.deviceId, requestId: e.requestId, role: e.role, channel, senderId, actor: e.actor, reason: e.reason }, effect.logAs);
    }
    effect.run?.(e, this.#ports);
  }
}
