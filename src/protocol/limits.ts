/** Wire limits and timers of protocol v3, named once. */
export const PROTOCOL_VERSION = 3;
/** Largest frame either side accepts (25 MiB). */
export const MAX_PAYLOAD_BYTES = 26_214_400;
/** Outbox bound per connection before it counts as a slow consumer (50 MiB). */
export const MAX_BUFFERED_BYTES = 52_428_800;
export const TICK_INTERVAL_MS = 30_000;
export const HANDSHAKE_TIMEOUT_MS = 10_000;
/** Allowed distance between the client's signedAt and the gateway clock. */
export const SIGNATURE_SKEW_MS = 120_000;
/** Close reasons are truncated to this many bytes (RFC 6455 allows 123). */
export const CLOSE_REASON_MAX_BYTES = 120;
/** Longest message a run accepts (characters): chat.send, agent and cron payloads are bounded by it. */
export const MAX_MESSAGE_CHARS = 256 * 1024;
