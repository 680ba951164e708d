/** Gateway-side limits beyond the wire limits in protocol/limits.ts. */
export const MAX_CONNECTIONS = 10_000;
/** How often the gateway looks at the audit log for changes made by other processes (CLI fallback). */
export const STORE_WATCH_INTERVAL_MS = 250;
/** Requests a single connection may have in flight before further ones are refused. */
export const MAX_IN_FLIGHT_PER_CONNECTION = 256;
