import type { Db } from './database.js';
import { escapeLike } from './devices.js';
import { fromJsonArray, nul, opt, toJsonArray } from './rows.js';

/** Expired pending requests are deleted at most this often (they are invisible to readers meanwhile). */
export const PRUNE_INTERVAL_MS = 1_000;

/** A device waiting for approval: at most one per device, with a stable id until it resolves or expires. */
export interface PendingRecord {
  requestId: string;
  deviceId: string;
  publicKey: string;
  displayName?: string | undefined;
  platform?: string | undefined;
  deviceFamily?: string | undefined;
  clientId?: string | undefined;
  clientMode?: string | undefined;
  role: string;
  roles: string[];
  scopes: string[];
  reason: string;
  remoteIp?: string | undefined;
  isRepair: boolean;
  firstSeenAtMs: number;
  lastSeenAtMs: number;
  expiresAtMs: number;
}

interface Row {
  request_id: string;
  device_id: string;
  public_key: string;
  display_name: string | null;
  platform: string | null;
  device_family: string | null;
  client_id: string | null;
  client_mode: string | null;
  role: string;
  roles: string;
  scopes: string;
  reason: string;
  remote_ip: string | null;
  is_repair: number;
  first_seen_at_ms: number;
  last_seen_at_ms: number;
  expires_at_ms: number;
}

function fromRow(r: Row): PendingRecord {
  return {
    requestId: r.request_id,
    deviceId: r.device_id,
    publicKey: r.public_key,
    displayName: opt(r.display_name),
    platform: opt(r.platform),
    deviceFamily: opt(r.device_family),
    clientId: opt(r.client_id),
    clientMode: opt(r.client_mode),
    role: r.role,
    roles: fromJsonArray(r.roles),
    scopes: fromJsonArray(r.scopes),
    reason: r.reason,
    remoteIp: opt(r.remote_ip),
    isRepair: r.is_repair === 1,
    firstSeenAtMs: r.first_seen_at_ms,
    lastSeenAtMs: r.last_seen_at_ms,
    expiresAtMs: r.expires_at_ms,
  };
}

/** The pending-requests aggregate. Expired rows are invisible to readers and pruned by writers. */
export class PendingRequests {
  readonly #get;
  readonly #byDevice;
  readonly #live;
  readonly #put;
  readonly #delete;
  readonly #expired;
  readonly #expiredForDevice;
  readonly #prune;
  readonly #count;
  readonly #byPrefix;

  constructor(db: Db) {
    this.#get = db.prepare<[string, number], Row>('SELECT * FROM pending_requests WHERE request_id = ? AND expires_at_ms > ?');
    this.#byDevice = db.prepare<[string, number], Row>('SELECT * FROM pending_requests WHERE device_id = ? AND expires_at_ms > ?');
    this.#live = db.prepare<[number], Row>(
      'SELECT * FROM pending_requests WHERE expires_at_ms > ? ORDER BY last_seen_at_ms DESC, request_id',
    );
    this.#put = db.prepare(`INSERT INTO pending_requests (request_id, device_id, public_key, display_name, platform,
        device_family, client_id, client_mode, role, roles, scopes, reason, remote_ip, is_repair, first_seen_at_ms,
        last_seen_at_ms, expires_at_ms)
      VALUES (@requestId, @deviceId, @publicKey, @displayName, @platform, @deviceFamily, @clientId, @clientMode, @role,
        @roles, @scopes, @reason, @remoteIp, @isRepair, @firstSeenAtMs, @lastSeenAtMs, @expiresAtMs)
      ON CONFLICT(request_id) DO UPDATE SET public_key = excluded.public_key, display_name = excluded.display_name,
        platform = excluded.platform, device_family = excluded.device_family, client_id = excluded.client_id,
        client_mode = excluded.client_mode, role = excluded.role, roles = excluded.roles, scopes = excluded.scopes,
        reason = excluded.reason, remote_ip = excluded.remote_ip, is_repair = excluded.is_repair,
        last_seen_at_ms = excluded.last_seen_at_ms, expires_at_ms = excluded.expires_at_ms`);
    this.#delete = db.prepare<[string]>('DELETE FROM pending_requests WHERE request_id = ?');
    this.#expired = db.prepare<[number], Row>('SELECT * FROM pending_requests WHERE expires_at_ms <= ?');
    this.#expiredForDevice = db.prepare<[string, number], Row>('SELECT * FROM pending_requests WHERE device_id = ? AND expires_at_ms <= ?');
    this.#prune = db.prepare<[number]>('DELETE FROM pending_requests WHERE expires_at_ms <= ?');
    this.#count = db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM pending_requests WHERE expires_at_ms > ?');
    this.#byPrefix = db.prepare<[string, number], { request_id: string }>(
      "SELECT request_id FROM pending_requests WHERE request_id LIKE ? || '%' ESCAPE '\\' AND expires_at_ms > ? LIMIT 2",
    );
  }

  get(requestId: string, nowMs: number): PendingRecord | undefined {
    const row = this.#get.get(requestId, nowMs);
    return row ? fromRow(row) : undefined;
  }

  forDevice(deviceId: string, nowMs: number): PendingRecord | undefined {
    const row = this.#byDevice.get(deviceId, nowMs);
    return row ? fromRow(row) : undefined;
  }

  /** Live requests, most recently seen first. */
  list(nowMs: number): PendingRecord[] {
    return this.#live.all(nowMs).map(fromRow);
  }

  count(nowMs: number): number {
    return this.#count.get(nowMs)!.n;
  }

  put(p: PendingRecord): void {
    this.#put.run({
      requestId: p.requestId,
      deviceId: p.deviceId,
      publicKey: p.publicKey,
      displayName: nul(p.displayName),
      platform: nul(p.platform),
      deviceFamily: nul(p.deviceFamily),
      clientId: nul(p.clientId),
      clientMode: nul(p.clientMode),
      role: p.role,
      roles: toJsonArray(p.roles),
      scopes: toJsonArray(p.scopes),
      reason: p.reason,
      remoteIp: nul(p.remoteIp),
      isRepair: p.isRepair ? 1 : 0,
      firstSeenAtMs: p.firstSeenAtMs,
      lastSeenAtMs: p.lastSeenAtMs,
      expiresAtMs: p.expiresAtMs,
    });
  }

  delete(requestId: string): boolean {
    return this.#delete.run(requestId).changes > 0;
  }

  #prunedAtMs = Number.NEGATIVE_INFINITY;

  /**
   * Remove expired requests and return them (callers audit the expiry). Readers already ignore expired
   * rows, so this cleanup runs at most once per PRUNE_INTERVAL_MS of the caller's clock.
   */
  pruneExpired(nowMs: number): PendingRecord[] {
    if (nowMs >= this.#prunedAtMs && nowMs - this.#prunedAtMs < PRUNE_INTERVAL_MS) return [];
    this.#prunedAtMs = nowMs;
    const rows = this.#expired.all(nowMs).map(fromRow);
    if (rows.length > 0) this.#prune.run(nowMs);
    return rows;
  }

  /** Remove and return the device's expired request, if one is still stored (pruning runs only now and then). */
  takeExpiredForDevice(deviceId: string, nowMs: number): PendingRecord | undefined {
    const row = this.#expiredForDevice.get(deviceId, nowMs);
    if (!row) return undefined;
    this.#delete.run(row.request_id);
    return fromRow(row);
  }

  idsWithPrefix(prefix: string, nowMs: number): string[] {
    return this.#byPrefix.all(escapeLike(prefix), nowMs).map((r) => r.request_id);
  }
}
