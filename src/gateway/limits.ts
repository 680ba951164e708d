// Gateway-side limits beyond the wire limits in protocol/limits.ts.
/** Most connections the gateway holds, however high the file limit (the cap from it is usually lower). */
export const MAX_CONNECTIONS = 10_000;
/** How often the gateway looks at the audit log for changes made by other processes (CLI fallback). */
export const STORE_WATCH_INTERVAL_MS = 250;
/** Requests a single connection may have in flight before further ones are refused. */
export const MAX_IN_FLIGHT_PER_CONNECTION = 256;

// Deadlines for sockets that have not authenticated: without them Node holds a silent socket 60-90 s.
/** A new socket must have sent its whole request head within this. */
export const HTTP_HEADERS_TIMEOUT_MS = 5_000;
/** A plain HTTP request (head and body) must have arrived whole within this. */
export const HTTP_REQUEST_TIMEOUT_MS = 10_000;
/** A keep-alive socket idle between requests is closed after this. */
export const HTTP_KEEP_ALIVE_IDLE_MS = 5_000;
/** How often Node checks the head and request deadlines: they fire late by at most this. */
export const HTTP_DEADLINE_CHECK_INTERVAL_MS = 1_000;
/** After the handshake timer's polite close, an upgraded socket still without a session is destroyed this much later. */
export const HANDSHAKE_CLOSE_GRACE_MS = 1_000;

// The connection cap stays below the process's soft file limit (RLIMIT_NOFILE).
/** File descriptors kept free for the store, logs, and outbound provider and Telegram sockets: at least this many... */
export const FD_RESERVE_MIN = 128;
/** ...or this share of the file limit, whichever is more. */
export const FD_RESERVE_SHARE = 0.25;
/** The soft file limit assumed where it cannot be read (not Linux). */
export const FALLBACK_FILE_LIMIT = 1024;
/** The cap never goes below this, however small the file limit (the owner's clients must fit). */
export const MIN_CONNECTION_CAP = 16;
/** Refusals, evictions and deadline closes are summed up in one log line per this window. */
export const CONNECTION_LOG_WINDOW_MS = 10_000;
