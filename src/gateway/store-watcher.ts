import type { Logger } from 'pino';
import { CLOSE_CODES } from '../protocol/events.js';
import { pendingView } from '../pairing/views.js';
import type { AuditEvent } from '../store/audit.js';
import type { Store } from '../store/store.js';
import type { Broadcaster } from './broadcaster.js';
import type { Connection } from './connection-state.js';

/** Audit kinds that are pairing and token decisions, with their log message. */
const LOGGED_DECISIONS: Partial<Record<AuditEvent['kind'], string>> = {
  'pairing.requested': 'pairing request pending',
  'pairing.approved': 'pairing approved',
  'pairing.auto-approved': 'pairing auto-approved',
  'pairing.rejected': 'pairing rejected',
  'pairing.expired': 'pairing request expired',
  'token.minted': 'device token issued',
  'token.rotated': 'device token rotated',
  'token.revoked': 'device token revoked',
  'device.removed': 'device removed',
};

/**
 * Tails the audit log and turns committed changes into effects: pairing events for operators, and
 * closes for sockets whose credentials changed. Changes made by the CLI directly on the store (the
 * never-locked-out path) take effect the same way as RPC ones.
 */
export class StoreWatcher {
  #lastId: number;

  constructor(
    private readonly store: Store,
    private readonly connections: Set<Connection>,
    private readonly broadcaster: Broadcaster,
    private readonly log?: Logger,
  ) {
    this.#lastId = store.audit.lastId();
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
        this.#lastId = e.id;
        this.#apply(e);
      }
    }
  }

  #apply(e: AuditEvent): void {
    const what = LOGGED_DECISIONS[e.kind];
    // Decisions by any process (RPC, the CLI on the store) land in the gateway's log once, here.
    if (what) this.log?.info({ event: e.kind, deviceId: e.deviceId, requestId: e.requestId, role: e.role, actor: e.actor, reason: e.reason }, what);
    switch (e.kind) {
      case 'pairing.requested': {
        const pending = e.requestId ? this.store.pending.get(e.requestId, Date.now()) : undefined;
        if (pending) this.broadcaster.broadcast('device.pair.requested', pendingView(pending));
        return;
      }
      case 'pairing.approved':
      case 'pairing.auto-approved':
      case 'pairing.rejected':
        this.broadcaster.broadcast('device.pair.resolved', {
          requestId: e.requestId,
          deviceId: e.deviceId,
          decision: e.kind === 'pairing.rejected' ? 'rejected' : 'approved',
          ts: e.tsMs,
        });
        return;
      case 'token.rotated':
        this.#close(e.deviceId, e.role, 'device token rotated: reconnect to receive the new token');
        return;
      case 'token.revoked':
        this.#close(e.deviceId, e.role, 'device token revoked: this device must be approved again');
        return;
      case 'device.removed':
        this.#close(e.deviceId, undefined, 'device removed: pair this device again');
        return;
      default:
        return;
    }
  }

  #close(deviceId: string | undefined, role: string | undefined, reason: string): void {
    if (!deviceId) return;
    for (const conn of this.connections) {
      const s = conn.session;
      if (s?.deviceId === deviceId && (role === undefined || s.role === role)) conn.ws.close(CLOSE_CODES.credentialsChanged, reason);
    }
  }
}
