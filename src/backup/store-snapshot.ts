import Database from 'better-sqlite3';
import { BUSY_TIMEOUT_MS, type Db } from '../store/database.js';
import type { StoreCounts } from './manifest.js';

/** Open a state.db read-only without migrating or changing it (not even its journal mode). */
export function openReadOnly(path: string): Db {
  return new Database(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
}

/** PRAGMA user_version: the store's schema version. */
export function schemaVersionOf(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** PRAGMA integrity_check joined into one line ("ok" when healthy). */
export function integrityOf(db: Db): string {
  const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
  return rows.map((r) => r.integrity_check).join('; ');
}

function hasTable(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

function count(db: Db, sql: string): number {
  return (db.prepare(sql).pluck().get() as number | undefined) ?? 0;
}

/** Row counts of devices, tokens and pending requests (0 for a store with no tables yet). */
export function countsOf(db: Db): StoreCounts {
  if (!hasTable(db, 'devices')) return { devices: 0, tokens: 0, activeTokens: 0, pendingRequests: 0 };
  return {
    devices: count(db, 'SELECT COUNT(*) FROM devices'),
    tokens: count(db, 'SELECT COUNT(*) FROM device_tokens'),
    activeTokens: count(db, 'SELECT COUNT(*) FROM device_tokens WHERE revoked_at_ms IS NULL AND token_hash IS NOT NULL'),
    pendingRequests: count(db, 'SELECT COUNT(*) FROM pending_requests'),
  };
}

/** A paired device as far as a rollback diff cares. */
export interface DeviceRow {
  deviceId: string;
  publicKey: string;
  label: string;
  roles: string;
  approvedScopes: string;
}

/** A token row; the hash is compared, never printed. */
export interface TokenRow {
  deviceId: string;
  role: string;
  tokenHash: string | null;
  scopes: string;
  revokedAtMs: number | null;
}

/** A pending request row. */
export interface PendingRow {
  requestId: string;
  deviceId: string;
  label: string;
  role: string;
  scopes: string;
  expiresAtMs: number;
}

/** Everything in a store that a restore would roll back. */
export interface StoreSnapshot {
  schemaVersion: number;
  devices: DeviceRow[];
  tokens: TokenRow[];
  pending: PendingRow[];
}

/** Read the pairing tables of a store (read-only); an absent file is an empty store. */
export function snapshotOf(path: string): StoreSnapshot {
  const db = openReadOnly(path);
  try {
    const schemaVersion = schemaVersionOf(db);
    if (!hasTable(db, 'devices')) return { schemaVersion, devices: [], tokens: [], pending: [] };
    const devices = db
      .prepare(
        `SELECT device_id AS deviceId, public_key AS publicKey, COALESCE(display_name, client_id, '') AS label,
           roles, approved_scopes AS approvedScopes FROM devices ORDER BY device_id`,
      )
      .all() as DeviceRow[];
    const tokens = db
      .prepare(
        `SELECT device_id AS deviceId, role, token_hash AS tokenHash, scopes, revoked_at_ms AS revokedAtMs
           FROM device_tokens ORDER BY device_id, role`,
      )
      .all() as TokenRow[];
    const pending = db
      .prepare(
        `SELECT request_id AS requestId, device_id AS deviceId, COALESCE(display_name, client_id, '') AS label, role, scopes,
           expires_at_ms AS expiresAtMs FROM pending_requests ORDER BY request_id`,
      )
      .all() as PendingRow[];
    return { schemaVersion, devices, tokens, pending };
  } finally {
    db.close();
  }
}
