import type { Db } from './database.js';
import { opt } from './rows.js';

/** The agent id of an allowlist entry that holds for every agent. */
export const EVERY_AGENT = '*';

/** A command pattern the owner allowed for an agent (or every agent): by hand, or through "allow always". */
export interface ExecAllowlistEntry {
  agentId: string;
  pattern: string;
  addedAtMs: number;
  /** Who added it: a device id, `rpc:...`, `cli-local`, `telegram:<user id>`. */
  addedBy: string;
  /** The approval request it came from ("allow always"), if any. */
  approvalId?: string | undefined;
}

interface Row {
  agent_id: string;
  pattern: string;
  added_at_ms: number;
  added_by: string;
  approval_id: string | null;
}

function fromRow(r: Row): ExecAllowlistEntry {
  return { agentId: r.agent_id, pattern: r.pattern, addedAtMs: r.added_at_ms, addedBy: r.added_by, approvalId: opt(r.approval_id) };
}

/** The stored exec allowlist (migration 5), keyed by (agent, pattern). */
export class ExecAllowlist {
  readonly #all;
  readonly #forAgent;
  readonly #get;
  readonly #add;
  readonly #remove;

  constructor(db: Db) {
    this.#all = db.prepare<[], Row>('SELECT * FROM exec_allowlist ORDER BY agent_id, added_at_ms, pattern');
    this.#forAgent = db.prepare<[string, string], Row>('SELECT * FROM exec_allowlist WHERE agent_id IN (?, ?) ORDER BY added_at_ms, pattern');
    this.#get = db.prepare<[string, string], Row>('SELECT * FROM exec_allowlist WHERE agent_id = ? AND pattern = ?');
    this.#add = db.prepare(`INSERT INTO exec_allowlist (agent_id, pattern, added_at_ms, added_by, approval_id)
      VALUES (@agentId, @pattern, @addedAtMs, @addedBy, @approvalId) ON CONFLICT(agent_id, pattern) DO NOTHING`);
    this.#remove = db.prepare<[string, string]>('DELETE FROM exec_allowlist WHERE agent_id = ? AND pattern = ?');
  }

  /** Every entry, or those of one agent id exactly (`*` lists the every-agent entries). */
  list(agentId?: string): ExecAllowlistEntry[] {
    const all = this.#all.all().map(fromRow);
    return agentId === undefined ? all : all.filter((e) => e.agentId === agentId);
  }

  /** The patterns that hold for an agent: its own and the every-agent ones. */
  patternsFor(agentId: string): string[] {
    return this.#forAgent.all(agentId, EVERY_AGENT).map((r) => r.pattern);
  }

  get(agentId: string, pattern: string): ExecAllowlistEntry | undefined {
    const row = this.#get.get(agentId, pattern);
    return row ? fromRow(row) : undefined;
  }

  /** Add an entry; false when the agent already had the pattern (the first entry is kept). */
  add(e: ExecAllowlistEntry): boolean {
    return this.#add.run({ agentId: e.agentId, pattern: e.pattern, addedAtMs: e.addedAtMs, addedBy: e.addedBy, approvalId: e.approvalId ?? null }).changes === 1;
  }

  remove(agentId: string, pattern: string): boolean {
    return this.#remove.run(agentId, pattern).changes === 1;
  }
}
