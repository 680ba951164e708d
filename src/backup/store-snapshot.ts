import Database from '../store/sqlite-driver.js';
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

/** Whether the store has this table (an older schema may lack it). */
export function hasTable(db: Db, name: string): boolean {
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

/** A session row with its transcript as row id -> exclusion mark (bodies are append-only, never rewritten). */
export interface SessionRow {
  key: string;
  agentId: string;
  label: string | null;
  model: string | null;
  messages: Map<number, string | null>;
}

/** A cron job: its definition and its run state. */
export interface CronJobRow {
  jobId: string;
  name: string;
  agentId: string;
  enabled: number;
  schedule: string;
  target: string;
  payload: string;
  wake: string;
  delivery: string | null;
  deleteAfterRun: number;
  nextRunAtMs: number | null;
  lastRunAtMs: number | null;
  lastStatus: string | null;
  consecutiveErrors: number;
}

/** A provider's failure mark (the rejected key's fingerprint is compared, never printed). */
export interface ProviderStateRow {
  providerId: string;
  errorClass: string;
  keyFingerprint: string | null;
  untilMs: number | null;
  failures: number;
}

/** A chat-channel DM pairing code waiting for the owner. */
export interface ChannelCodeRow {
  channel: string;
  code: string;
  senderId: string;
  senderName: string | null;
  expiresAtMs: number;
}

/** A chat-channel sender the owner approved. */
export interface ChannelSenderRow {
  channel: string;
  senderId: string;
  senderName: string | null;
}

/** An exec allowlist entry the owner added. */
export interface ExecAllowlistRow {
  agentId: string;
  pattern: string;
}

/** An exec approval request and where it stands. */
export interface ExecApprovalRow {
  id: string;
  command: string;
  status: string;
}

/** Everything in a store that a restore would roll back, aggregate by aggregate (see rollback-coverage.ts). */
export interface StoreSnapshot {
  schemaVersion: number;
  devices: DeviceRow[];
  tokens: TokenRow[];
  pending: PendingRow[];
  sessions: SessionRow[];
  cronJobs: CronJobRow[];
  /** Run ledger keys per job id: the scheduled times it holds. */
  cronRuns: Map<string, Set<number>>;
  providerStates: ProviderStateRow[];
  /** Queued system event ids per session key. */
  systemEvents: Map<string, Set<number>>;
  channelCodes: ChannelCodeRow[];
  channelSenders: ChannelSenderRow[];
  execAllowlist: ExecAllowlistRow[];
  execApprovals: ExecApprovalRow[];
  /** Retired token hashes remembered per device id (rotated, revoked or removed tokens). */
  retiredTokens: Map<string, number>;
  /** Audit log rows (count) and the newest id. */
  audit: { count: number; maxId: number };
}

/** A store with no tables (no file, or an unreadable one). */
export function emptySnapshot(): StoreSnapshot {
  return {
    schemaVersion: 0,
    devices: [],
    tokens: [],
    pending: [],
    sessions: [],
    cronJobs: [],
    cronRuns: new Map(),
    providerStates: [],
    systemEvents: new Map(),
    channelCodes: [],
    channelSenders: [],
    execAllowlist: [],
    execApprovals: [],
    retiredTokens: new Map(),
    audit: { count: 0, maxId: 0 },
  };
}

function rows<T>(db: Db, table: string, sql: string): T[] {
  return hasTable(db, table) ? (db.prepare(sql).all() as T[]) : [];
}

/** Group (key, id) pairs into key -> set of ids. */
function groupIds(pairs: Array<[string, number]>): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const [k, id] of pairs) {
    let set = out.get(k);
    if (!set) out.set(k, (set = new Set()));
    set.add(id);
  }
  return out;
}

function sessionsOf(db: Db): SessionRow[] {
  const sessions = rows<Omit<SessionRow, 'messages'>>(db, 'sessions', 'SELECT session_key AS key, agent_id AS agentId, label, model FROM sessions ORDER BY session_key');
  const byKey = new Map(sessions.map((s) => [s.key, { ...s, messages: new Map<number, string | null>() }]));
  if (hasTable(db, 'messages')) {
    // Raw tuples: a long transcript is many rows, and no body is read.
    for (const [key, id, excluded] of db.prepare('SELECT session_key, id, excluded_reason FROM messages ORDER BY id').raw().iterate() as Iterable<[string, number, string | null]>) {
      byKey.get(key)?.messages.set(id, excluded);
    }
  }
  return [...byKey.values()];
}

/** Read every aggregate of a store (read-only); a table the schema lacks reads as empty. */
export function snapshotOf(path: string): StoreSnapshot {
  const db = openReadOnly(path);
  try {
    const snap = emptySnapshot();
    snap.schemaVersion = schemaVersionOf(db);
    snap.devices = rows(
      db,
      'devices',
      `SELECT device_id AS deviceId, public_key AS publicKey, COALESCE(display_name, client_id, '') AS label,
         roles, approved_scopes AS approvedScopes FROM devices ORDER BY device_id`,
    );
    snap.tokens = rows(
      db,
      'device_tokens',
      `SELECT device_id AS deviceId, role, token_hash AS tokenHash, scopes, revoked_at_ms AS revokedAtMs
         FROM device_tokens ORDER BY device_id, role`,
    );
    snap.pending = rows(
      db,
      'pending_requests',
      `SELECT request_id AS requestId, device_id AS deviceId, COALESCE(display_name, client_id, '') AS label, role, scopes,
         expires_at_ms AS expiresAtMs FROM pending_requests ORDER BY request_id`,
    );
    snap.sessions = sessionsOf(db);
    snap.cronJobs = rows(
      db,
      'cron_jobs',
      `SELECT job_id AS jobId, name, agent_id AS agentId, enabled, schedule, target, payload, wake, delivery,
         delete_after_run AS deleteAfterRun, next_run_at_ms AS nextRunAtMs, last_run_at_ms AS lastRunAtMs,
         last_status AS lastStatus, consecutive_errors AS consecutiveErrors FROM cron_jobs ORDER BY name, job_id`,
    );
    if (hasTable(db, 'cron_runs')) snap.cronRuns = groupIds(db.prepare('SELECT job_id, scheduled_at_ms FROM cron_runs').raw().all() as Array<[string, number]>);
    snap.providerStates = rows(
      db,
      'provider_states',
      `SELECT provider_id AS providerId, error_class AS errorClass, key_fingerprint AS keyFingerprint, until_ms AS untilMs,
         failures FROM provider_states ORDER BY provider_id`,
    );
    if (hasTable(db, 'system_events')) snap.systemEvents = groupIds(db.prepare('SELECT session_key, id FROM system_events').raw().all() as Array<[string, number]>);
    snap.channelCodes = rows(
      db,
      'channel_pairing_requests',
      `SELECT channel, code, sender_id AS senderId, sender_name AS senderName, expires_at_ms AS expiresAtMs
         FROM channel_pairing_requests ORDER BY channel, code`,
    );
    snap.channelSenders = rows(
      db,
      'channel_allowed_senders',
      'SELECT channel, sender_id AS senderId, sender_name AS senderName FROM channel_allowed_senders ORDER BY channel, sender_id',
    );
    snap.execAllowlist = rows(db, 'exec_allowlist', 'SELECT agent_id AS agentId, pattern FROM exec_allowlist ORDER BY agent_id, pattern');
    snap.execApprovals = rows(db, 'exec_approvals', 'SELECT id, command, status FROM exec_approvals ORDER BY created_at_ms, id');
    if (hasTable(db, 'retired_device_tokens')) {
      snap.retiredTokens = new Map(db.prepare('SELECT device_id, count(*) FROM retired_device_tokens GROUP BY device_id').raw().all() as Array<[string, number]>);
    }
    if (hasTable(db, 'audit_events')) snap.audit = db.prepare('SELECT count(*) AS count, COALESCE(max(id), 0) AS maxId FROM audit_events').get() as StoreSnapshot['audit'];
    return snap;
  } finally {
    db.close();
  }
}
