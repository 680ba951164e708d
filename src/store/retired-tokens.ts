import type { Db } from './database.js';
import { nul, opt } from './rows.js';

/** Why a device token stopped working: replaced by a new one, revoked by the owner, or its device was removed. */
export type RetiredWhy = 'rotated' | 'revoked' | 'removed';

/** How long a retired token's hash is remembered; after that an old token reads as an unknown one (still refused). */
export const RETIRED_TOKEN_TTL_MS = 90 * 24 * 60 * 60_000;
/** At most this many retired hashes are kept per device (the newest). */
export const RETIRED_TOKENS_PER_DEVICE = 16;

/** A retired device token: only its hash, when and why it was retired, and by whom. */
export interface RetiredToken {
  deviceId: string;
  role: string;
  /** Absent for a removed device that held no delivered token (the row still marks the removal). */
  tokenHash: string | undefined;
  why: RetiredWhy;
  retiredAtMs: number;
  actor: string;
}

interface Row {
  id: number;
  device_id: string;
  role: string;
  token_hash: string | null;
  why: RetiredWhy;
  retired_at_ms: number;
  actor: string;
}

function fromRow(r: Row): RetiredToken {
  return { deviceId: r.device_id, role: r.role, tokenHash: opt(r.token_hash), why: r.why, retiredAtMs: r.retired_at_ms, actor: r.actor };
}

/** The retired-device-tokens aggregate: bounded by age and by count per device, pruned on every insert. */
export class RetiredTokens {
  readonly #insert;
  readonly #forDevice;
  readonly #trimDevice;
  readonly #trimAge;

  constructor(db: Db) {
    this.#insert = db.prepare(`INSERT INTO retired_device_tokens (device_id, role, token_hash, why, retired_at_ms, actor)
      VALUES (@deviceId, @role, @tokenHash, @why, @retiredAtMs, @actor)`);
    this.#forDevice = db.prepare<[string, number], Row>('SELECT * FROM retired_device_tokens WHERE device_id = ? AND retired_at_ms > ? ORDER BY id DESC');
    this.#trimDevice = db.prepare<[string, string, number]>(
      'DELETE FROM retired_device_tokens WHERE device_id = ? AND id NOT IN (SELECT id FROM retired_device_tokens WHERE device_id = ? ORDER BY id DESC LIMIT ?)',
    );
    this.#trimAge = db.prepare<[number]>('DELETE FROM retired_device_tokens WHERE retired_at_ms <= ?');
  }

  /** Remember a retired token (call inside the transaction that retires it). */
  retire(t: RetiredToken): void {
    this.#insert.run({ ...t, tokenHash: nul(t.tokenHash) });
    this.#trimDevice.run(t.deviceId, t.deviceId, RETIRED_TOKENS_PER_DEVICE);
    this.#trimAge.run(t.retiredAtMs - RETIRED_TOKEN_TTL_MS);
  }

  /** The device's remembered retirements, newest first. */
  forDevice(deviceId: string, nowMs: number): RetiredToken[] {
    return this.#forDevice.all(deviceId, nowMs - RETIRED_TOKEN_TTL_MS).map(fromRow);
  }
}
