import type { Db } from './database.js';
import { fromJsonArray, nul, opt, toJsonArray } from './rows.js';

/** A paired device: its key, metadata, roles and approved scopes. */
export interface DeviceRecord {
  deviceId: string;
  publicKey: string;
  displayName?: string | undefined;
  platform?: string | undefined;
  deviceFamily?: string | undefined;
  clientId?: string | undefined;
  clientMode?: string | undefined;
  roles: string[];
  approvedScopes: string[];
  remoteIp?: string | undefined;
  createdAtMs: number;
  approvedAtMs: number;
  lastSeenAtMs?: number | undefined;
}

interface Row {
  device_id: string;
  public_key: string;
  display_name: string | null;
  platform: string | null;
  device_family: string | null;
  client_id: string | null;
  client_mode: string | null;
  roles: string;
  approved_scopes: string;
  remote_ip: string | null;
  created_at_ms: number;
  approved_at_ms: number;
  last_seen_at_ms: number | null;
}

function fromRow(r: Row): DeviceRecord {
  return {
    deviceId: r.device_id,
    publicKey: r.public_key,
    displayName: opt(r.display_name),
    platform: opt(r.platform),
    deviceFamily: opt(r.device_family),
    clientId: opt(r.client_id),
    clientMode: opt(r.client_mode),
    roles: fromJsonArray(r.roles),
    approvedScopes: fromJsonArray(r.approved_scopes),
    remoteIp: opt(r.remote_ip),
    createdAtMs: r.created_at_ms,
    approvedAtMs: r.approved_at_ms,
    lastSeenAtMs: opt(r.last_seen_at_ms),
  };
}

/** The devices aggregate. */
export class Devices {
  readonly #get;
  readonly #all;
  readonly #upsert;
  readonly #delete;
  readonly #count;
  readonly #touch;
  readonly #byPrefix;

  constructor(db: Db) {
    this.#get = db.prepare<[string], Row>('SELECT * FROM devices WHERE device_id = ?');
    this.#all = db.prepare<[], Row>('SELECT * FROM devices ORDER BY approved_at_ms DESC, device_id');
    this.#upsert = db.prepare(`INSERT INTO devices (device_id, public_key, display_name, platform, device_family, client_id,
        client_mode, roles, approved_scopes, remote_ip, created_at_ms, approved_at_ms, last_seen_at_ms)
      VALUES (@deviceId, @publicKey, @displayName, @platform, @deviceFamily, @clientId, @clientMode, @roles, @approvedScopes,
        @remoteIp, @createdAtMs, @approvedAtMs, @lastSeenAtMs)
      ON CONFLICT(device_id) DO UPDATE SET public_key = excluded.public_key, display_name = excluded.display_name,
        platform = excluded.platform, device_family = excluded.device_family, client_id = excluded.client_id,
        client_mode = excluded.client_mode, roles = excluded.roles, approved_scopes = excluded.approved_scopes,
        remote_ip = excluded.remote_ip, created_at_ms = excluded.created_at_ms, approved_at_ms = excluded.approved_at_ms,
        last_seen_at_ms = excluded.last_seen_at_ms`);
    this.#delete = db.prepare<[string]>('DELETE FROM devices WHERE device_id = ?');
    this.#count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM devices');
    this.#touch = db.prepare<[number, string | null, string]>(
      'UPDATE devices SET last_seen_at_ms = ?, remote_ip = coalesce(?, remote_ip) WHERE device_id = ?',
    );
    this.#byPrefix = db.prepare<[string], { device_id: string }>(
      "SELECT device_id FROM devices WHERE device_id LIKE ? || '%' ESCAPE '\\' LIMIT 2",
    );
  }

  get(deviceId: string): DeviceRecord | undefined {
    const row = this.#get.get(deviceId);
    return row ? fromRow(row) : undefined;
  }

  list(): DeviceRecord[] {
    return this.#all.all().map(fromRow);
  }

  count(): number {
    return this.#count.get()!.n;
  }

  upsert(d: DeviceRecord): void {
    this.#upsert.run({
      deviceId: d.deviceId,
      publicKey: d.publicKey,
      displayName: nul(d.displayName),
      platform: nul(d.platform),
      deviceFamily: nul(d.deviceFamily),
      clientId: nul(d.clientId),
      clientMode: nul(d.clientMode),
      roles: toJsonArray(d.roles),
      approvedScopes: toJsonArray(d.approvedScopes),
      remoteIp: nul(d.remoteIp),
      createdAtMs: d.createdAtMs,
      approvedAtMs: d.approvedAtMs,
      lastSeenAtMs: nul(d.lastSeenAtMs),
    });
  }

  touch(deviceId: string, nowMs: number, remoteIp: string | undefined): void {
    this.#touch.run(nowMs, nul(remoteIp), deviceId);
  }

  delete(deviceId: string): boolean {
    return this.#delete.run(deviceId).changes > 0;
  }

  /** Device ids starting with prefix (at most two: enough to tell unique from ambiguous). */
  idsWithPrefix(prefix: string): string[] {
    return this.#byPrefix.all(escapeLike(prefix)).map((r) => r.device_id);
  }
}

/** Escape LIKE wildcards so a prefix matches literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
