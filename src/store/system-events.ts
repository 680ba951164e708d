import type { Db } from './database.js';

/** A system event waiting for its session's next turn. */
export interface SystemEvent {
  readonly id: number;
  readonly sessionKey: string;
  readonly text: string;
  readonly source: string;
  readonly createdAtMs: number;
}

interface Row {
  id: number;
  session_key: string;
  text: string;
  source: string;
  created_at_ms: number;
}

function fromRow(r: Row): SystemEvent {
  return { id: r.id, sessionKey: r.session_key, text: r.text, source: r.source, createdAtMs: r.created_at_ms };
}

/** The system_events queue: events for a main session, consumed (deleted) by the turn that reads them. */
export class SystemEvents {
  readonly #insert;
  readonly #list;
  readonly #delete;
  readonly #sessions;
  readonly #count;

  constructor(db: Db) {
    this.#insert = db.prepare<[string, string, string, number]>('INSERT INTO system_events (session_key, text, source, created_at_ms) VALUES (?, ?, ?, ?)');
    this.#list = db.prepare<[string], Row>('SELECT * FROM system_events WHERE session_key = ? ORDER BY id');
    this.#delete = db.prepare<[number]>('DELETE FROM system_events WHERE id = ?');
    this.#sessions = db.prepare<[], { session_key: string }>('SELECT DISTINCT session_key FROM system_events ORDER BY session_key');
    this.#count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM system_events');
  }

  /** Queue an event; returns its id. */
  enqueue(sessionKey: string, text: string, source: string, nowMs: number): number {
    return Number(this.#insert.run(sessionKey, text, source, nowMs).lastInsertRowid);
  }

  /** A session's queued events, oldest first. */
  list(sessionKey: string): SystemEvent[] {
    return this.#list.all(sessionKey).map(fromRow);
  }

  /**
   * Remove and return the oldest events of a session whose texts fit in maxChars together (at least one);
   * call inside a store transaction with what consumes them.
   */
  take(sessionKey: string, maxChars: number, costOf: (e: SystemEvent) => number = (e) => e.text.length): SystemEvent[] {
    const taken: SystemEvent[] = [];
    let used = 0;
    for (const e of this.list(sessionKey)) {
      const cost = costOf(e);
      if (taken.length > 0 && used + cost > maxChars) break;
      taken.push(e);
      used += cost;
      this.#delete.run(e.id);
    }
    return taken;
  }

  /** Session keys with queued events. */
  sessions(): string[] {
    return this.#sessions.all().map((r) => r.session_key);
  }

  /** How many events are queued in all. */
  count(): number {
    return this.#count.get()!.n;
  }
}
