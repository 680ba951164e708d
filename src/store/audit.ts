import type { Db } from './database.js';
import { nul, opt } from './rows.js';

/** Kinds of audit events: device pairing and token decisions, auth failures, chat-channel DM pairing decisions, exec approvals. */
export const AUDIT_KINDS = [
  'pairing.requested',
  'pairing.approved',
  'pairing.auto-approved',
  'pairing.rejected',
  'pairing.expired',
  'device.removed',
  'token.minted',
  'token.rotated',
  'token.revoked',
  'auth.failed',
  // Channel DM pairing: detail is a ChannelAuditDetail (channel, senderId, chatId, ...).
  'channel.pairing.requested',
  'channel.pairing.approved',
  'channel.pairing.rejected',
  'channel.sender.revoked',
  // Exec approvals: requestId is the approval id; detail is an ExecAuditDetail; actor is who decided.
  'exec.decided',
  'exec.approval.requested',
  'exec.approval.resolved',
  'exec.allowlist.changed',
] as const;
/** One audit kind (the kind column has no CHECK: a new kind needs no migration). */
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** One audit row. `actor` says who acted: `gateway`, `rpc:<deviceId or conn>`, or `cli-local`. */
export interface AuditEvent {
  id: number;
  tsMs: number;
  kind: AuditKind;
  deviceId?: string | undefined;
  requestId?: string | undefined;
  role?: string | undefined;
  actor: string;
  reason?: string | undefined;
  detail?: Record<string, unknown> | undefined;
}

/** The detail of a channel DM pairing audit row: whose request, in which chat (the approval notice goes there). */
export interface ChannelAuditDetail {
  channel: string;
  senderId: string;
  senderName?: string | undefined;
  chatId?: string | undefined;
  code?: string | undefined;
  expiresAtMs?: number | undefined;
}

/** The channel detail of an audit row, or undefined when the row carries none (a foreign or damaged row). */
export function channelAuditDetail(e: AuditEvent): ChannelAuditDetail | undefined {
  const d = e.detail;
  if (!d || typeof d['channel'] !== 'string' || typeof d['senderId'] !== 'string') return undefined;
  const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : undefined);
  const expires = d['expiresAtMs'];
  return { channel: d['channel'], senderId: d['senderId'], senderName: str('senderName'), chatId: str('chatId'), code: str('code'), expiresAtMs: typeof expires === 'number' ? expires : undefined };
}

interface Row {
  id: number;
  ts_ms: number;
  kind: AuditKind;
  device_id: string | null;
  request_id: string | null;
  role: string | null;
  actor: string;
  reason: string | null;
  detail: string | null;
}

function fromRow(r: Row): AuditEvent {
  return {
    id: r.id,
    tsMs: r.ts_ms,
    kind: r.kind,
    deviceId: opt(r.device_id),
    requestId: opt(r.request_id),
    role: opt(r.role),
    actor: r.actor,
    reason: opt(r.reason),
    detail: r.detail === null ? undefined : (JSON.parse(r.detail) as Record<string, unknown>),
  };
}

/** The audit log: append-only; the gateway tails it to react to changes made by any process. */
export class AuditLog {
  readonly #insert;
  readonly #after;
  readonly #last;
  readonly #byKind;
  readonly #lastForDevice;
  /** Rows appended through this connection (committed or not): lets the gateway skip polling when it wrote nothing. */
  appendedHere = 0;

  constructor(db: Db) {
    this.#insert = db.prepare(`INSERT INTO audit_events (ts_ms, kind, device_id, request_id, role, actor, reason, detail)
      VALUES (@tsMs, @kind, @deviceId, @requestId, @role, @actor, @reason, @detail)`);
    this.#after = db.prepare<[number, number], Row>('SELECT * FROM audit_events WHERE id > ? ORDER BY id LIMIT ?');
    this.#last = db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM audit_events');
    this.#byKind = db.prepare<[string], Row>('SELECT * FROM audit_events WHERE kind = ? ORDER BY id');
    this.#lastForDevice = db.prepare<[string, string], Row>(
      'SELECT * FROM audit_events WHERE device_id = ? AND kind IN (SELECT value FROM json_each(?)) ORDER BY id DESC LIMIT 1',
    );
  }

  append(e: Omit<AuditEvent, 'id'>): number {
    this.appendedHere++;
    const info = this.#insert.run({
      tsMs: e.tsMs,
      kind: e.kind,
      deviceId: nul(e.deviceId),
      requestId: nul(e.requestId),
      role: nul(e.role),
      actor: e.actor,
      reason: nul(e.reason),
      detail: e.detail === undefined ? null : JSON.stringify(e.detail),
    });
    return Number(info.lastInsertRowid);
  }

  after(id: number, limit = 500): AuditEvent[] {
    return this.#after.all(id, limit).map(fromRow);
  }

  lastId(): number {
    return this.#last.get()?.id ?? 0;
  }

  /** The device's newest row among `kinds`, if any. */
  lastForDevice(deviceId: string, kinds: readonly AuditKind[]): AuditEvent | undefined {
    const row = this.#lastForDevice.get(deviceId, JSON.stringify(kinds));
    return row ? fromRow(row) : undefined;
  }

  ofKind(kind: AuditKind): AuditEvent[] {
    return this.#byKind.all(kind).map(fromRow);
  }
}
