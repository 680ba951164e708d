/** Versioned schema migrations; index + 1 is the schema version (PRAGMA user_version). */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE devices (
    device_id TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    display_name TEXT,
    platform TEXT,
    device_family TEXT,
    client_id TEXT,
    client_mode TEXT,
    roles TEXT NOT NULL,
    approved_scopes TEXT NOT NULL,
    remote_ip TEXT,
    created_at_ms INTEGER NOT NULL,
    approved_at_ms INTEGER NOT NULL,
    last_seen_at_ms INTEGER
  ) STRICT;

  CREATE TABLE device_tokens (
    device_id TEXT NOT NULL REFERENCES devices(device_id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    token_hash TEXT,
    scopes TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    rotated_at_ms INTEGER,
    revoked_at_ms INTEGER,
    confirmed_at_ms INTEGER,
    last_used_at_ms INTEGER,
    PRIMARY KEY (device_id, role)
  ) STRICT;

  CREATE TABLE pending_requests (
    request_id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL UNIQUE,
    public_key TEXT NOT NULL,
    display_name TEXT,
    platform TEXT,
    device_family TEXT,
    client_id TEXT,
    client_mode TEXT,
    role TEXT NOT NULL,
    roles TEXT NOT NULL,
    scopes TEXT NOT NULL,
    reason TEXT NOT NULL,
    remote_ip TEXT,
    is_repair INTEGER NOT NULL,
    first_seen_at_ms INTEGER NOT NULL,
    last_seen_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX pending_expiry ON pending_requests(expires_at_ms);

  CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts_ms INTEGER NOT NULL,
    kind TEXT NOT NULL,
    device_id TEXT,
    request_id TEXT,
    role TEXT,
    actor TEXT NOT NULL,
    reason TEXT,
    detail TEXT
  ) STRICT;
  CREATE INDEX audit_kind ON audit_events(kind);
  `,
  // 2: agents. Sessions and their append-only transcripts; provider health that survives restarts.
  `
  CREATE TABLE sessions (
    session_key TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_key TEXT,
    label TEXT,
    model TEXT,
    spawn_depth INTEGER NOT NULL DEFAULT 0,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX sessions_parent ON sessions(parent_key);
  CREATE INDEX sessions_updated ON sessions(updated_at_ms);

  -- Rows are never rewritten. repair_of places a synthetic tool result right after the assistant message
  -- it answers; excluded_reason marks an orphan tool result once (its body stays as it was).
  CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_key TEXT NOT NULL REFERENCES sessions(session_key) ON DELETE CASCADE,
    run_id TEXT,
    role TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    repair_of INTEGER,
    excluded_reason TEXT
  ) STRICT;
  CREATE INDEX messages_session ON messages(session_key, id);

  -- One row per provider that failed in a way that marks it; until_ms is absolute, so a restart neither
  -- extends nor forgets a window. key_fingerprint is the credential that was rejected (auth class).
  CREATE TABLE provider_states (
    provider_id TEXT PRIMARY KEY,
    error_class TEXT NOT NULL,
    key_fingerprint TEXT,
    until_ms INTEGER,
    failures INTEGER NOT NULL,
    status INTEGER,
    detail TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL
  ) STRICT;
  `,
  // 3: cron jobs with their run ledger, queued system events, and chat-channel DM pairing.
  `
  CREATE TABLE cron_jobs (
    job_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    schedule TEXT NOT NULL,
    target TEXT NOT NULL,
    payload TEXT NOT NULL,
    wake TEXT NOT NULL,
    delivery TEXT,
    delete_after_run INTEGER NOT NULL,
    next_run_at_ms INTEGER,
    consecutive_errors INTEGER NOT NULL DEFAULT 0,
    last_run_at_ms INTEGER,
    last_status TEXT,
    last_error TEXT,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX cron_jobs_next ON cron_jobs(enabled, next_run_at_ms);

  -- The ledger: a row per (job, scheduled time) is inserted before the run starts, in the same transaction
  -- that advances the job, so each scheduled time runs at most once across restarts and gateways.
  CREATE TABLE cron_runs (
    job_id TEXT NOT NULL,
    scheduled_at_ms INTEGER NOT NULL,
    run_id TEXT NOT NULL,
    manual INTEGER NOT NULL,
    started_at_ms INTEGER NOT NULL,
    ended_at_ms INTEGER,
    status TEXT NOT NULL,
    error TEXT,
    summary TEXT,
    PRIMARY KEY (job_id, scheduled_at_ms)
  ) STRICT;
  CREATE INDEX cron_runs_started ON cron_runs(job_id, started_at_ms);

  -- System events waiting for an agent's main session (consumed by a woken turn or the heartbeat).
  CREATE TABLE system_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_key TEXT NOT NULL,
    text TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX system_events_session ON system_events(session_key, id);

  -- Chat-channel DM pairing: codes handed to unknown senders, and the senders the owner approved.
  CREATE TABLE channel_pairing_requests (
    channel TEXT NOT NULL,
    code TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    sender_name TEXT,
    chat_id TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    PRIMARY KEY (channel, code),
    UNIQUE (channel, sender_id)
  ) STRICT;
  CREATE TABLE channel_allowed_senders (
    channel TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    sender_name TEXT,
    approved_at_ms INTEGER NOT NULL,
    approved_by TEXT NOT NULL,
    PRIMARY KEY (channel, sender_id)
  ) STRICT;
  `,
  // 4: retired device tokens. Rotation, revocation and removal remember the old token's hash (never the token)
  // for a bounded time and count, so a presented old token is refused with its own cause. No foreign key: a
  // removed device's rows outlive it (that is how a removed device is told from a new one). token_hash is null
  // for a removed device that held no delivered token.
  `
  CREATE TABLE retired_device_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash TEXT,
    why TEXT NOT NULL,
    retired_at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL
  ) STRICT;
  CREATE INDEX retired_device_tokens_device ON retired_device_tokens(device_id, id);
  CREATE INDEX retired_device_tokens_age ON retired_device_tokens(retired_at_ms);
  -- A refused connect looks up its device's last pairing event (an expired request is named as such).
  CREATE INDEX audit_device ON audit_events(device_id, id);

  -- A retired token (rotated away, revoked) or one minted against the gateway token is not re-delivered to a
  -- signed connect alone: the device re-proves or is approved. Revoked rows written by earlier releases qualify.
  ALTER TABLE device_tokens ADD COLUMN needs_proof INTEGER NOT NULL DEFAULT 0;
  UPDATE device_tokens SET needs_proof = 1 WHERE revoked_at_ms IS NOT NULL;
  `,
  // 5: who made a cron job. NULL: the owner (cron.add); otherwise the session key of the agent session whose
  // cron tool added it, so the owner tells them apart and an agent removes only its own.
  `
  ALTER TABLE cron_jobs ADD COLUMN created_by TEXT;
  `,
  // 6: exec approvals. A request the owner is asked about, kept with its outcome (who decided, how); and the
  // allowlist patterns the owner added ("allow always" or by hand), per agent or for every agent ('*').
  `
  CREATE TABLE exec_approvals (
    id TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL,
    session_key TEXT NOT NULL,
    run_id TEXT NOT NULL,
    command TEXT NOT NULL,
    cwd TEXT NOT NULL,
    sandboxed INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'allowed-once', 'allowed-always', 'denied', 'expired')),
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    decided_at_ms INTEGER,
    decided_by TEXT,
    how TEXT
  ) STRICT;
  CREATE INDEX exec_approvals_status ON exec_approvals(status, created_at_ms);
  CREATE INDEX exec_approvals_decided ON exec_approvals(decided_at_ms);

  CREATE TABLE exec_allowlist (
    agent_id TEXT NOT NULL,
    pattern TEXT NOT NULL,
    added_at_ms INTEGER NOT NULL,
    added_by TEXT NOT NULL,
    approval_id TEXT,
    PRIMARY KEY (agent_id, pattern)
  ) STRICT;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
