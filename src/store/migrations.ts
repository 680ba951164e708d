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
];

export const SCHEMA_VERSION = MIGRATIONS.length;
