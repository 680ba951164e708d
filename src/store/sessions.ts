import type { SessionKind } from '../protocol/session-key.js';
import type { Db } from './database.js';
import { nul } from './rows.js';

/** Most sessions one list call returns (also the default). */
export const MAX_SESSION_LIST = 1000;

/** A session as stored: one row of `sessions` with the count of the transcript entries history shows (excluded rows not counted). */
export interface SessionRecord {
  readonly key: string;
  readonly agentId: string;
  readonly kind: SessionKind;
  readonly parentKey: string | null;
  readonly label: string | null;
  readonly model: string | null;
  readonly spawnDepth: number;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  readonly messageCount: number;
}

/** What creating a session needs; the rest of the row is derived. */
export interface SessionInit {
  readonly key: string;
  readonly agentId: string;
  readonly kind: SessionKind;
  readonly parentKey?: string | undefined;
  readonly label?: string | undefined;
  readonly model?: string | undefined;
  readonly spawnDepth?: number | undefined;
}

/** Filter of `list`; every field narrows. */
export interface SessionFilter {
  readonly agentId?: string | undefined;
  readonly parentKey?: string | undefined;
  readonly limit?: number | undefined;
}

interface Row {
  session_key: string;
  agent_id: string;
  kind: string;
  parent_key: string | null;
  label: string | null;
  model: string | null;
  spawn_depth: number;
  created_at_ms: number;
  updated_at_ms: number;
  message_count: number;
}

const KINDS: ReadonlySet<string> = new Set<SessionKind>(['main', 'subagent', 'other']);

function fromRow(r: Row): SessionRecord {
  return {
    key: r.session_key,
    agentId: r.agent_id,
    kind: KINDS.has(r.kind) ? (r.kind as SessionKind) : 'other',
    parentKey: r.parent_key,
    label: r.label,
    model: r.model,
    spawnDepth: r.spawn_depth,
    createdAtMs: r.created_at_ms,
    updatedAtMs: r.updated_at_ms,
    messageCount: r.message_count,
  };
}

// Entries history shows: excluded rows (orphans, quarantined rows) are kept but not counted; an unreadable
// row nobody has marked yet is counted, as history shows a marker for it.
const SELECT = `SELECT s.*, (SELECT count(*) FROM messages m WHERE m.session_key = s.session_key AND m.excluded_reason IS NULL) AS message_count FROM sessions s`;

/** The sessions aggregate: one row per session key; its transcript is in `messages` (deleted with it). */
export class Sessions {
  readonly #get;
  readonly #insert;
  readonly #list;
  readonly #touch;
  readonly #children;
  readonly #delete;
  readonly #count;
  readonly #exists;
  readonly #countByAgent;
  readonly #recent;
  readonly #setModel;
  readonly #setLabel;

  constructor(db: Db) {
    this.#get = db.prepare<[string], Row>(`${SELECT} WHERE s.session_key = ?`);
    this.#insert = db.prepare(`INSERT INTO sessions (session_key, agent_id, kind, parent_key, label, model, spawn_depth, created_at_ms, updated_at_ms)
      VALUES (@key, @agentId, @kind, @parentKey, @label, @model, @spawnDepth, @nowMs, @nowMs) ON CONFLICT(session_key) DO NOTHING`);
    // NULL filter values match everything, so one statement serves every combination.
    this.#list = db.prepare<{ agentId: string | null; parentKey: string | null; limit: number }, Row>(
      `${SELECT} WHERE (@agentId IS NULL OR s.agent_id = @agentId) AND (@parentKey IS NULL OR s.parent_key = @parentKey)
       ORDER BY s.updated_at_ms DESC, s.session_key LIMIT @limit`,
    );
    this.#touch = db.prepare<[number, string]>('UPDATE sessions SET updated_at_ms = max(updated_at_ms, ?) WHERE session_key = ?');
    this.#children = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM sessions WHERE parent_key = ?');
    this.#delete = db.prepare<[string]>('DELETE FROM sessions WHERE session_key = ?');
    this.#count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM sessions');
    this.#exists = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM sessions WHERE session_key = ?');
    this.#countByAgent = db.prepare<[], { agent_id: string; n: number }>('SELECT agent_id, count(*) AS n FROM sessions GROUP BY agent_id');
    this.#recent = db.prepare<{ agentId: string | null; limit: number }, { session_key: string; updated_at_ms: number }>(
      'SELECT session_key, updated_at_ms FROM sessions WHERE (@agentId IS NULL OR agent_id = @agentId) ORDER BY updated_at_ms DESC, session_key LIMIT @limit',
    );
    this.#setModel = db.prepare<[string | null, number, string]>('UPDATE sessions SET model = ?, updated_at_ms = max(updated_at_ms, ?) WHERE session_key = ?');
    this.#setLabel = db.prepare<[string | null, number, string]>('UPDATE sessions SET label = ?, updated_at_ms = max(updated_at_ms, ?) WHERE session_key = ?');
  }

  /** The session with this key, created from init when absent. An existing row is returned unchanged. */
  ensure(init: SessionInit, nowMs: number): SessionRecord {
    this.#insert.run({
      key: init.key,
      agentId: init.agentId,
      kind: init.kind,
      parentKey: nul(init.parentKey),
      label: nul(init.label),
      model: nul(init.model),
      spawnDepth: init.spawnDepth ?? 0,
      nowMs,
    });
    return this.get(init.key)!;
  }

  /** Whether the session exists (cheaper than get: no message count). */
  exists(key: string): boolean {
    return this.#exists.get(key) !== undefined;
  }

  get(key: string): SessionRecord | undefined {
    const row = this.#get.get(key);
    return row ? fromRow(row) : undefined;
  }

  /** Sessions, most recently updated first; at most MAX_SESSION_LIST. */
  list(filter: SessionFilter = {}): SessionRecord[] {
    const requested = filter.limit ?? MAX_SESSION_LIST;
    const limit = Number.isFinite(requested) ? Math.max(0, Math.min(Math.floor(requested), MAX_SESSION_LIST)) : MAX_SESSION_LIST;
    return this.#list.all({ agentId: nul(filter.agentId), parentKey: nul(filter.parentKey), limit }).map(fromRow);
  }

  /** Mark activity; updated_at never moves backwards. False when the session does not exist. */
  touch(key: string, nowMs: number): boolean {
    return this.#touch.run(nowMs, key).changes > 0;
  }

  /** Set (or with null clear) the session's model override; false when the session does not exist. */
  setModel(key: string, model: string | null, nowMs: number): boolean {
    return this.#setModel.run(model, nowMs, key).changes > 0;
  }

  /** Set (or with null clear) the session's label; false when the session does not exist. */
  setLabel(key: string, label: string | null, nowMs: number): boolean {
    return this.#setLabel.run(label, nowMs, key).changes > 0;
  }

  /** How many sessions there are. */
  count(): number {
    return this.#count.get()!.n;
  }

  /** Session counts per agent (cheap: no message counts), for health. */
  countByAgent(): Map<string, number> {
    return new Map(this.#countByAgent.all().map((r) => [r.agent_id, r.n]));
  }

  /** The most recently updated sessions (key and time only), of one agent or all. */
  recent(agentId: string | undefined, limit: number): { key: string; updatedAtMs: number }[] {
    return this.#recent.all({ agentId: agentId ?? null, limit }).map((r) => ({ key: r.session_key, updatedAtMs: r.updated_at_ms }));
  }

  /** How many sessions name this one as parent (sub-agents spawned from it). */
  countChildren(parentKey: string): number {
    return this.#children.get(parentKey)!.n;
  }

  /** Delete a session and its transcript. Children keep their parent_key (they outlive the parent). */
  delete(key: string): boolean {
    return this.#delete.run(key).changes > 0;
  }
}
