import type { Db } from './database.js';
import { fromJsonArray, nul, opt, toJsonArray } from './rows.js';

/**
 * A device token for (device, role). Only the SHA-256 hash is stored. States:
 * hash null, not revoked, proof not needed = issued by an approval, waiting for the device's next signed connect;
 * hash set, unconfirmed = delivered in hello-ok, not yet presented back;
 * hash set, confirmed = in use; hash null with needsProof = retired (rotated away or revoked), none owed.
 * needsProof: the signature alone does not earn this device a (re)delivery; it re-proves with the gateway
 * token or the owner approves a request. Set by rotation, revocation and gateway-token mints, cleared by approval.
 * Retired hashes are remembered apart (retired-tokens.ts) so a presented old token is named, not guessed at.
 */
export interface TokenRecord {
  deviceId: string;
  role: string;
  tokenHash: string | undefined;
  scopes: string[];
  createdAtMs: number;
  rotatedAtMs?: number | undefined;
  revokedAtMs?: number | undefined;
  confirmedAtMs?: number | undefined;
  lastUsedAtMs?: number | undefined;
  needsProof?: true | undefined;
}

interface Row {
  device_id: string;
  role: string;
  token_hash: string | null;
  scopes: string;
  created_at_ms: number;
  rotated_at_ms: number | null;
  revoked_at_ms: number | null;
  confirmed_at_ms: number | null;
  last_used_at_ms: number | null;
  needs_proof: number;
}

function fromRow(r: Row): TokenRecord {
  return {
    deviceId: r.device_id,
    role: r.role,
    tokenHash: opt(r.token_hash),
    scopes: fromJsonArray(r.scopes),
    createdAtMs: r.created_at_ms,
    rotatedAtMs: opt(r.rotated_at_ms),
    revokedAtMs: opt(r.revoked_at_ms),
    confirmedAtMs: opt(r.confirmed_at_ms),
    lastUsedAtMs: opt(r.last_used_at_ms),
    needsProof: r.needs_proof === 1 ? true : undefined,
  };
}

/** The device-tokens aggregate. */
export class DeviceTokens {
  readonly #get;
  readonly #forDevice;
  readonly #put;
  readonly #use;

  constructor(db: Db) {
    this.#get = db.prepare<[string, string], Row>('SELECT * FROM device_tokens WHERE device_id = ? AND role = ?');
    this.#forDevice = db.prepare<[string], Row>('SELECT * FROM device_tokens WHERE device_id = ? ORDER BY role');
    this.#put = db.prepare(`INSERT INTO device_tokens (device_id, role, token_hash, scopes, created_at_ms, rotated_at_ms,
        revoked_at_ms, confirmed_at_ms, last_used_at_ms, needs_proof)
      VALUES (@deviceId, @role, @tokenHash, @scopes, @createdAtMs, @rotatedAtMs, @revokedAtMs, @confirmedAtMs, @lastUsedAtMs, @needsProof)
      ON CONFLICT(device_id, role) DO UPDATE SET token_hash = excluded.token_hash, scopes = excluded.scopes,
        created_at_ms = excluded.created_at_ms, rotated_at_ms = excluded.rotated_at_ms, revoked_at_ms = excluded.revoked_at_ms,
        confirmed_at_ms = excluded.confirmed_at_ms, last_used_at_ms = excluded.last_used_at_ms, needs_proof = excluded.needs_proof`);
    this.#use = db.prepare<[number, number, string, string]>(
      'UPDATE device_tokens SET last_used_at_ms = ?, confirmed_at_ms = coalesce(confirmed_at_ms, ?) WHERE device_id = ? AND role = ?',
    );
  }

  get(deviceId: string, role: string): TokenRecord | undefined {
    const row = this.#get.get(deviceId, role);
    return row ? fromRow(row) : undefined;
  }

  forDevice(deviceId: string): TokenRecord[] {
    return this.#forDevice.all(deviceId).map(fromRow);
  }

  put(t: TokenRecord): void {
    this.#put.run({
      deviceId: t.deviceId,
      role: t.role,
      tokenHash: nul(t.tokenHash),
      scopes: toJsonArray(t.scopes),
      createdAtMs: t.createdAtMs,
      rotatedAtMs: nul(t.rotatedAtMs),
      revokedAtMs: nul(t.revokedAtMs),
      confirmedAtMs: nul(t.confirmedAtMs),
      lastUsedAtMs: nul(t.lastUsedAtMs),
      needsProof: t.needsProof ? 1 : 0,
    });
  }

  /** Record a successful presentation: last used now, and confirmed if it was not yet. */
  markUsed(deviceId: string, role: string, nowMs: number): void {
    this.#use.run(nowMs, nowMs, deviceId, role);
  }
}
