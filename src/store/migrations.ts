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
];

export const SCHEMA_VERSION = MIGRATIONS.length;
