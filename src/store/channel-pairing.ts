import type { Db } from './database.js';
import { nul, opt } from './rows.js';

/** A DM pairing code waiting for the owner: who asked, in which chat, until when. */
export interface ChannelPairingRequest {
  channel: string;
  code: string;
  senderId: string;
  senderName?: string | undefined;
  chatId: string;
  createdAtMs: number;
  expiresAtMs: number;
}

/** A sender the owner approved (or let in through an approved code): they may talk to the agent. */
export interface ChannelAllowedSender {
  channel: string;
  senderId: string;
  senderName?: string | undefined;
  approvedAtMs: number;
  approvedBy: string;
}

interface RequestRow {
  channel: string;
  code: string;
  sender_id: string;
  sender_name: string | null;
  chat_id: string;
  created_at_ms: number;
  expires_at_ms: number;
}

interface AllowedRow {
  channel: string;
  sender_id: string;
  sender_name: string | null;
  approved_at_ms: number;
  approved_by: string;
}

function requestFromRow(r: RequestRow): ChannelPairingRequest {
  return { channel: r.channel, code: r.code, senderId: r.sender_id, senderName: opt(r.sender_name), chatId: r.chat_id, createdAtMs: r.created_at_ms, expiresAtMs: r.expires_at_ms };
}

function allowedFromRow(r: AllowedRow): ChannelAllowedSender {
  return { channel: r.channel, senderId: r.sender_id, senderName: opt(r.sender_name), approvedAtMs: r.approved_at_ms, approvedBy: r.approved_by };
}

/** The channel DM pairing aggregate (migration 3): pending codes and allowed senders per channel. */
export class ChannelPairing {
  readonly #pending;
  readonly #pendingAll;
  readonly #byCode;
  readonly #bySender;
  readonly #insert;
  readonly #deleteCode;
  readonly #expire;
  readonly #allowed;
  readonly #allowedAll;
  readonly #isAllowed;
  readonly #allow;
  readonly #disallow;

  constructor(db: Db) {
    this.#pending = db.prepare<[string, number], RequestRow>('SELECT * FROM channel_pairing_requests WHERE channel = ? AND expires_at_ms > ? ORDER BY created_at_ms, code');
    this.#pendingAll = db.prepare<[number], RequestRow>('SELECT * FROM channel_pairing_requests WHERE expires_at_ms > ? ORDER BY channel, created_at_ms, code');
    this.#byCode = db.prepare<[string, string], RequestRow>('SELECT * FROM channel_pairing_requests WHERE channel = ? AND code = ?');
    this.#bySender = db.prepare<[string, string], RequestRow>('SELECT * FROM channel_pairing_requests WHERE channel = ? AND sender_id = ?');
    this.#insert = db.prepare(`INSERT INTO channel_pairing_requests (channel, code, sender_id, sender_name, chat_id, created_at_ms, expires_at_ms)
      VALUES (@channel, @code, @senderId, @senderName, @chatId, @createdAtMs, @expiresAtMs)`);
    this.#deleteCode = db.prepare<[string, string]>('DELETE FROM channel_pairing_requests WHERE channel = ? AND code = ?');
    this.#expire = db.prepare<[number]>('DELETE FROM channel_pairing_requests WHERE expires_at_ms <= ?');
    this.#allowed = db.prepare<[string], AllowedRow>('SELECT * FROM channel_allowed_senders WHERE channel = ? ORDER BY approved_at_ms, sender_id');
    this.#allowedAll = db.prepare<[], AllowedRow>('SELECT * FROM channel_allowed_senders ORDER BY channel, approved_at_ms, sender_id');
    this.#isAllowed = db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM channel_allowed_senders WHERE channel = ? AND sender_id = ?');
    this.#allow = db.prepare(`INSERT INTO channel_allowed_senders (channel, sender_id, sender_name, approved_at_ms, approved_by)
      VALUES (@channel, @senderId, @senderName, @approvedAtMs, @approvedBy)
      ON CONFLICT(channel, sender_id) DO UPDATE SET sender_name = excluded.sender_name, approved_at_ms = excluded.approved_at_ms, approved_by = excluded.approved_by`);
    this.#disallow = db.prepare<[string, string]>('DELETE FROM channel_allowed_senders WHERE channel = ? AND sender_id = ?');
  }

  /** Codes still valid at nowMs; of one channel, or of all when channel is undefined. */
  pending(channel: string | undefined, nowMs: number): ChannelPairingRequest[] {
    return (channel === undefined ? this.#pendingAll.all(nowMs) : this.#pending.all(channel, nowMs)).map(requestFromRow);
  }

  /** A request by code, expired or not (the caller decides). */
  byCode(channel: string, code: string): ChannelPairingRequest | undefined {
    const row = this.#byCode.get(channel, code);
    return row ? requestFromRow(row) : undefined;
  }

  /** The one request of a sender, expired or not. */
  bySender(channel: string, senderId: string): ChannelPairingRequest | undefined {
    const row = this.#bySender.get(channel, senderId);
    return row ? requestFromRow(row) : undefined;
  }

  insert(r: ChannelPairingRequest): void {
    this.#insert.run({ ...r, senderName: nul(r.senderName) });
  }

  deleteCode(channel: string, code: string): boolean {
    return this.#deleteCode.run(channel, code).changes > 0;
  }

  /** Remove codes whose time ran out; returns how many. */
  expire(nowMs: number): number {
    return this.#expire.run(nowMs).changes;
  }

  /** Allowed senders of one channel, or of all when channel is undefined. */
  allowed(channel: string | undefined): ChannelAllowedSender[] {
    return (channel === undefined ? this.#allowedAll.all() : this.#allowed.all(channel)).map(allowedFromRow);
  }

  isAllowed(channel: string, senderId: string): boolean {
    return this.#isAllowed.get(channel, senderId)!.n > 0;
  }

  allow(s: ChannelAllowedSender): void {
    this.#allow.run({ ...s, senderName: nul(s.senderName) });
  }

  disallow(channel: string, senderId: string): boolean {
    return this.#disallow.run(channel, senderId).changes > 0;
  }
}
