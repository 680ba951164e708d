import type { ProviderErrorClass } from '../protocol/provider-error-class.js';
import type { Db } from './database.js';
import { nul, opt } from './rows.js';

/** A provider's mark: the failure class, the rejected key (auth) or the end of its window, and how many in a row. */
export interface ProviderStateRecord {
  providerId: string;
  errorClass: ProviderErrorClass;
  keyFingerprint?: string | undefined;
  untilMs?: number | undefined;
  failures: number;
  status?: number | undefined;
  detail: string;
  updatedAtMs: number;
}

interface Row {
  provider_id: string;
  error_class: string;
  key_fingerprint: string | null;
  until_ms: number | null;
  failures: number;
  status: number | null;
  detail: string;
  updated_at_ms: number;
}

function fromRow(r: Row): ProviderStateRecord {
  return {
    providerId: r.provider_id,
    errorClass: r.error_class as ProviderErrorClass,
    keyFingerprint: opt(r.key_fingerprint),
    untilMs: opt(r.until_ms),
    failures: r.failures,
    status: opt(r.status),
    detail: r.detail,
    updatedAtMs: r.updated_at_ms,
  };
}

/** The provider_states aggregate: one row per marked provider, absent when healthy. */
export class ProviderStates {
  readonly #get;
  readonly #all;
  readonly #upsert;
  readonly #delete;
  readonly #deleteAll;

  constructor(db: Db) {
    this.#get = db.prepare<[string], Row>('SELECT * FROM provider_states WHERE provider_id = ?');
    this.#all = db.prepare<[], Row>('SELECT * FROM provider_states ORDER BY provider_id');
    this.#upsert = db.prepare(`INSERT INTO provider_states (provider_id, error_class, key_fingerprint, until_ms, failures, status,
        detail, updated_at_ms)
      VALUES (@providerId, @errorClass, @keyFingerprint, @untilMs, @failures, @status, @detail, @updatedAtMs)
      ON CONFLICT(provider_id) DO UPDATE SET error_class = excluded.error_class, key_fingerprint = excluded.key_fingerprint,
        until_ms = excluded.until_ms, failures = excluded.failures, status = excluded.status, detail = excluded.detail,
        updated_at_ms = excluded.updated_at_ms`);
    this.#delete = db.prepare<[string]>('DELETE FROM provider_states WHERE provider_id = ?');
    this.#deleteAll = db.prepare<[], { provider_id: string }>('DELETE FROM provider_states RETURNING provider_id');
  }

  /** The provider's mark, or undefined when it is healthy. */
  get(providerId: string): ProviderStateRecord | undefined {
    const row = this.#get.get(providerId);
    return row ? fromRow(row) : undefined;
  }

  /** Every mark, by provider id. */
  list(): ProviderStateRecord[] {
    return this.#all.all().map(fromRow);
  }

  /** Insert or replace the provider's mark. */
  upsert(s: ProviderStateRecord): void {
    this.#upsert.run({
      providerId: s.providerId,
      errorClass: s.errorClass,
      keyFingerprint: nul(s.keyFingerprint),
      untilMs: nul(s.untilMs),
      failures: s.failures,
      status: nul(s.status),
      detail: s.detail,
      updatedAtMs: s.updatedAtMs,
    });
  }

  /** True when a row was removed. */
  delete(providerId: string): boolean {
    return this.#delete.run(providerId).changes > 0;
  }

  /** Remove every row; returns the provider ids that were marked. */
  deleteAll(): string[] {
    return this.#deleteAll.all().map((r) => r.provider_id).sort();
  }
}
