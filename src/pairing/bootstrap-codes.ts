import { hashToken, mintToken } from '../auth/tokens.js';

/** How long a dashboard link's code works: long enough to click it, short enough that a copied link is dead. */
export const BOOTSTRAP_CODE_TTL_MS = 60_000;
/** Live codes kept at once; issuing more drops the oldest (bounded memory, whoever calls). */
export const MAX_LIVE_BOOTSTRAP_CODES = 16;

interface LiveCode {
  readonly hash: string;
  readonly scopes: readonly string[];
  readonly expiresAtMs: number;
  readonly issuedBy: string;
}

/** A code just issued: shown once (in the link), never stored in the clear. */
export interface IssuedBootstrapCode {
  readonly code: string;
  readonly expiresAtMs: number;
  readonly scopes: readonly string[];
}

/** Why a presented code does not pair: unknown covers used, never issued and issued by a previous gateway run. */
export type BootstrapVerdict =
  | { readonly ok: true; readonly scopes: readonly string[]; readonly issuedBy: string }
  | { readonly ok: false; readonly why: 'unknown' | 'expired' };

/**
 * Single-use pairing codes for `clawgate dashboard` links. Held in memory only, as hashes: a code pairs the
 * first device key that presents it and is gone after that one try, whatever its outcome; a gateway restart
 * voids them all. They are not pairing state (the store stays the only truth for that), only a short-lived proof.
 */
export class BootstrapCodes {
  #live: LiveCode[] = [];

  /** Issue a code granting up to `scopes`, for the actor named (kept for the audit row of the pairing it makes). */
  issue(scopes: readonly string[], issuedBy: string, nowMs: number): IssuedBootstrapCode {
    this.#prune(nowMs);
    const code = mintToken();
    const expiresAtMs = nowMs + BOOTSTRAP_CODE_TTL_MS;
    this.#live.push({ hash: hashToken(code), scopes: [...scopes], expiresAtMs, issuedBy });
    if (this.#live.length > MAX_LIVE_BOOTSTRAP_CODES) this.#live.shift();
    return { code, expiresAtMs, scopes: [...scopes] };
  }

  /** Take the code: it is removed whether or not it is still valid, so each code gets exactly one try. */
  consume(code: string, nowMs: number): BootstrapVerdict {
    // Looked up by hash: the comparison never touches the secret byte by byte.
    const hash = hashToken(code);
    const i = this.#live.findIndex((c) => c.hash === hash);
    if (i < 0) return { ok: false, why: 'unknown' };
    const [entry] = this.#live.splice(i, 1);
    if (entry!.expiresAtMs <= nowMs) return { ok: false, why: 'expired' };
    return { ok: true, scopes: entry!.scopes, issuedBy: entry!.issuedBy };
  }

  /** How many codes could still pair a device. */
  liveCount(nowMs: number): number {
    this.#prune(nowMs);
    return this.#live.length;
  }

  #prune(nowMs: number): void {
    this.#live = this.#live.filter((c) => c.expiresAtMs > nowMs);
  }
}
