import type { Db } from './database.js';
import { nul, opt } from './rows.js';

/** Where an approval request stands; every status but pending is final. */
export type ExecApprovalStatus = 'pending' | 'allowed-once' | 'allowed-always' | 'denied' | 'expired';

/** Statuses an approval request can end in. */
export type ExecApprovalOutcome = Exclude<ExecApprovalStatus, 'pending'>;

/** A command the owner was asked about, with its outcome once decided. */
export interface ExecApprovalRecord {
  id: string;
  agentId: string;
  sessionKey: string;
  runId: string;
  command: string;
  cwd: string;
  sandboxed: boolean;
  status: ExecApprovalStatus;
  createdAtMs: number;
  expiresAtMs: number;
  decidedAtMs?: number | undefined;
  /** Who decided: a device id, `rpc:...`, `cli-local`, `telegram:<user id>`, or `gateway` (expiry, restart). */
  decidedBy?: string | undefined;
  /** How it ended, in more detail than the status (e.g. `allow-once`, `timeout`, `aborted`, `gateway-restart`). */
  how?: string | undefined;
}

/** The final state written by a compare-and-set from pending. */
export interface ExecApprovalDecisionRow {
  status: ExecApprovalOutcome;
  decidedAtMs: number;
  decidedBy: string;
  how: string;
}

interface Row {
  id: string;
  agent_id: string;
  session_key: string;
  run_id: string;
  command: string;
  cwd: string;
  sandboxed: number;
  status: ExecApprovalStatus;
  created_at_ms: number;
  expires_at_ms: number;
  decided_at_ms: number | null;
  decided_by: string | null;
  how: string | null;
}

function fromRow(r: Row): ExecApprovalRecord {
  return {
    id: r.id,
    agentId: r.agent_id,
    sessionKey: r.session_key,
    runId: r.run_id,
    command: r.command,
    cwd: r.cwd,
    sandboxed: r.sandboxed === 1,
    status: r.status,
    createdAtMs: r.created_at_ms,
    expiresAtMs: r.expires_at_ms,
    decidedAtMs: opt(r.decided_at_ms),
    decidedBy: opt(r.decided_by),
    how: opt(r.how),
  };
}

/** The exec approval aggregate (migration 5): one row per request, pending until decided, expired or cancelled. */
export class ExecApprovals {
  readonly #insert;
  readonly #get;
  readonly #byPrefix;
  readonly #pending;
  readonly #recent;
  readonly #decide;

  constructor(db: Db) {
    this.#insert = db.prepare(`INSERT INTO exec_approvals (id, agent_id, session_key, run_id, command, cwd, sandboxed, status, created_at_ms, expires_at_ms)
      VALUES (@id, @agentId, @sessionKey, @runId, @command, @cwd, @sandboxed, 'pending', @createdAtMs, @expiresAtMs)`);
    this.#get = db.prepare<[string], Row>('SELECT * FROM exec_approvals WHERE id = ?');
    this.#byPrefix = db.prepare<[string, string, number], Row>('SELECT * FROM exec_approvals WHERE substr(id, 1, length(?)) = ? ORDER BY id LIMIT ?');
    this.#pending = db.prepare<[], Row>("SELECT * FROM exec_approvals WHERE status = 'pending' ORDER BY created_at_ms, id");
    this.#recent = db.prepare<[number], Row>("SELECT * FROM exec_approvals WHERE status <> 'pending' ORDER BY decided_at_ms DESC, id LIMIT ?");
    // The compare-and-set: only a pending row changes, so two deciders cannot both win.
    this.#decide = db.prepare(`UPDATE exec_approvals SET status = @status, decided_at_ms = @decidedAtMs, decided_by = @decidedBy, how = @how
      WHERE id = @id AND status = 'pending'`);
  }

  /** Store a new pending request. */
  insert(r: Omit<ExecApprovalRecord, 'status' | 'decidedAtMs' | 'decidedBy' | 'how'>): void {
    this.#insert.run({ id: r.id, agentId: r.agentId, sessionKey: r.sessionKey, runId: r.runId, command: r.command, cwd: r.cwd, sandboxed: r.sandboxed ? 1 : 0, createdAtMs: r.createdAtMs, expiresAtMs: r.expiresAtMs });
  }

  /** A request by id, whatever its status. */
  get(id: string): ExecApprovalRecord | undefined {
    const row = this.#get.get(id);
    return row ? fromRow(row) : undefined;
  }

  /** Requests whose id starts with prefix (at most limit of them, by id). */
  byPrefix(prefix: string, limit = 2): ExecApprovalRecord[] {
    return this.#byPrefix.all(prefix, prefix, limit).map(fromRow);
  }

  /** Every pending request, oldest first (including any whose time ran out but that nobody expired yet). */
  pending(): ExecApprovalRecord[] {
    return this.#pending.all().map(fromRow);
  }

  /** Decided requests, most recent decision first. */
  recent(limit: number): ExecApprovalRecord[] {
    return this.#recent.all(limit).map(fromRow);
  }

  /** Move a pending request to its outcome; false when it was not pending (unknown or already decided). */
  decide(id: string, d: ExecApprovalDecisionRow): boolean {
    return this.#decide.run({ id, status: d.status, decidedAtMs: d.decidedAtMs, decidedBy: nul<string>(d.decidedBy), how: d.how }).changes === 1;
  }
}
