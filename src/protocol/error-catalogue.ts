/**
 * The closed catalogue of Clawgate error codes. Every error that crosses a boundary (wire, CLI exit)
 * carries one of these codes as `details.code`; the wire `error.code` and the CLI exit code derive from it.
 */
export type WireErrorCode = 'NOT_LINKED' | 'NOT_PAIRED' | 'AGENT_TIMEOUT' | 'INVALID_REQUEST' | 'UNAVAILABLE';

/** What kind of failure a code is; the CLI maps kinds to exit codes in one place. */
export type ErrorKind =
  | 'usage'
  | 'config'
  | 'unreachable'
  | 'auth'
  | 'pairing'
  | 'scope'
  | 'not-found'
  | 'conflict'
  | 'port-in-use'
  | 'protocol'
  | 'unavailable'
  | 'backup'
  | 'findings'
  | 'provider'
  | 'aborted'
  | 'storage'
  | 'internal';

interface CatalogueEntry {
  readonly wire: WireErrorCode;
  readonly kind: ErrorKind;
  /** The same request may succeed later unchanged; the wire error says `retryable: true` (absent otherwise). */
  readonly retryable?: boolean;
}

export const ERROR_CATALOGUE = {
  // Handshake (protocol-v3 §3)
  INVALID_FRAME: { wire: 'INVALID_REQUEST', kind: 'protocol' },
  HANDSHAKE_REQUIRED: { wire: 'INVALID_REQUEST', kind: 'protocol' },
  CONNECT_REPEATED: { wire: 'INVALID_REQUEST', kind: 'protocol' },
  INVALID_CONNECT_PARAMS: { wire: 'INVALID_REQUEST', kind: 'protocol' },
  PROTOCOL_MISMATCH: { wire: 'INVALID_REQUEST', kind: 'protocol' },
  INVALID_ROLE: { wire: 'INVALID_REQUEST', kind: 'protocol' },
  ORIGIN_NOT_ALLOWED: { wire: 'INVALID_REQUEST', kind: 'auth' },
  DEVICE_IDENTITY_REQUIRED: { wire: 'NOT_PAIRED', kind: 'auth' },
  DEVICE_AUTH_INVALID: { wire: 'INVALID_REQUEST', kind: 'auth' },
  // The signature's signedAt is too far from the gateway's clock (OpenClaw: device-signature-stale).
  DEVICE_CLOCK_SKEW: { wire: 'INVALID_REQUEST', kind: 'auth' },
  AUTH_TOKEN_MISSING: { wire: 'INVALID_REQUEST', kind: 'auth' },
  AUTH_TOKEN_MISMATCH: { wire: 'INVALID_REQUEST', kind: 'auth' },
  AUTH_DEVICE_TOKEN_MISMATCH: { wire: 'INVALID_REQUEST', kind: 'auth' },
  // A credential that is the redacted placeholder clawgate prints (pasted back from its output).
  SECRET_IS_PLACEHOLDER: { wire: 'INVALID_REQUEST', kind: 'auth' },
  AUTH_RATE_LIMITED: { wire: 'INVALID_REQUEST', kind: 'auth', retryable: true },
  // A dashboard link's single-use code that is unknown, used, expired, or asked for more than it grants (v4's name).
  AUTH_BOOTSTRAP_TOKEN_INVALID: { wire: 'INVALID_REQUEST', kind: 'auth' },
  PAIRING_REQUIRED: { wire: 'NOT_PAIRED', kind: 'pairing' },
  // "pairing required" on the wire, each with its precise cause (pairing/pending-cause.ts); a request waits for approval.
  DEVICE_TOKEN_ROTATED: { wire: 'NOT_PAIRED', kind: 'pairing' },
  DEVICE_TOKEN_REVOKED: { wire: 'NOT_PAIRED', kind: 'pairing' },
  DEVICE_REMOVED: { wire: 'NOT_PAIRED', kind: 'pairing' },
  DEVICE_KEY_CHANGED: { wire: 'NOT_PAIRED', kind: 'pairing' },
  PAIRING_ROLE_UPGRADE: { wire: 'NOT_PAIRED', kind: 'pairing' },
  PAIRING_SCOPE_UPGRADE: { wire: 'NOT_PAIRED', kind: 'pairing' },
  PAIRING_METADATA_UPGRADE: { wire: 'NOT_PAIRED', kind: 'pairing' },
  PAIRING_REQUEST_EXPIRED: { wire: 'NOT_PAIRED', kind: 'pairing' },
  PAIRING_REFUSED: { wire: 'NOT_PAIRED', kind: 'pairing' },
  // Requests after the handshake
  UNKNOWN_METHOD: { wire: 'INVALID_REQUEST', kind: 'protocol' },
  INVALID_PARAMS: { wire: 'INVALID_REQUEST', kind: 'usage' },
  MISSING_SCOPE: { wire: 'INVALID_REQUEST', kind: 'scope' },
  UNAUTHORIZED_ROLE: { wire: 'INVALID_REQUEST', kind: 'scope' },
  FORBIDDEN: { wire: 'INVALID_REQUEST', kind: 'scope' },
  SCOPE_ESCALATION: { wire: 'INVALID_REQUEST', kind: 'scope' },
  UNKNOWN_REQUEST_ID: { wire: 'INVALID_REQUEST', kind: 'not-found' },
  UNKNOWN_DEVICE: { wire: 'INVALID_REQUEST', kind: 'not-found' },
  UNKNOWN_ROLE: { wire: 'INVALID_REQUEST', kind: 'not-found' },
  AMBIGUOUS_ID: { wire: 'INVALID_REQUEST', kind: 'usage' },
  RATE_LIMITED: { wire: 'UNAVAILABLE', kind: 'unavailable', retryable: true },
  INTERNAL: { wire: 'UNAVAILABLE', kind: 'internal' },
  // Agents: sessions, runs and model providers
  UNKNOWN_SESSION: { wire: 'INVALID_REQUEST', kind: 'not-found' },
  UNKNOWN_AGENT: { wire: 'INVALID_REQUEST', kind: 'not-found' },
  UNKNOWN_PROVIDER: { wire: 'INVALID_REQUEST', kind: 'not-found' },
  UNKNOWN_CRON_JOB: { wire: 'INVALID_REQUEST', kind: 'not-found' },
  MODEL_NOT_CONFIGURED: { wire: 'INVALID_REQUEST', kind: 'config' },
  AGENT_QUEUE_FULL: { wire: 'UNAVAILABLE', kind: 'unavailable', retryable: true },
  AGENTS_STOPPING: { wire: 'UNAVAILABLE', kind: 'unavailable', retryable: true },
  RUN_ABORTED: { wire: 'UNAVAILABLE', kind: 'aborted' },
  RUN_TIMEOUT: { wire: 'AGENT_TIMEOUT', kind: 'unavailable', retryable: true },
  PROVIDER_AUTH: { wire: 'UNAVAILABLE', kind: 'provider' },
  PROVIDER_BILLING: { wire: 'UNAVAILABLE', kind: 'provider', retryable: true },
  PROVIDER_RATE_LIMITED: { wire: 'UNAVAILABLE', kind: 'provider', retryable: true },
  PROVIDER_OVERLOADED: { wire: 'UNAVAILABLE', kind: 'provider', retryable: true },
  PROVIDER_BAD_REQUEST: { wire: 'UNAVAILABLE', kind: 'provider' },
  PROVIDER_NETWORK: { wire: 'UNAVAILABLE', kind: 'provider', retryable: true },
  PROVIDER_INVALID_RESPONSE: { wire: 'UNAVAILABLE', kind: 'provider', retryable: true },
  // Chat channels (issue 5)
  UNKNOWN_CHANNEL: { wire: 'INVALID_REQUEST', kind: 'not-found' },
  UNKNOWN_PAIRING_CODE: { wire: 'INVALID_REQUEST', kind: 'not-found' },
  UNKNOWN_CHANNEL_SENDER: { wire: 'INVALID_REQUEST', kind: 'not-found' },
  CHANNEL_UNAVAILABLE: { wire: 'UNAVAILABLE', kind: 'unavailable', retryable: true },
  // Agent file tools (read, write, edit, apply_patch, ls, grep): results the model reads and corrects
  WORKSPACE_PATH_ESCAPE: { wire: 'INVALID_REQUEST', kind: 'scope' },
  FILE_NOT_FOUND: { wire: 'INVALID_REQUEST', kind: 'not-found' },
  FILE_REFUSED: { wire: 'INVALID_REQUEST', kind: 'usage' },
  EDIT_NO_MATCH: { wire: 'INVALID_REQUEST', kind: 'conflict' },
  EDIT_AMBIGUOUS: { wire: 'INVALID_REQUEST', kind: 'conflict' },
  PATCH_INVALID: { wire: 'INVALID_REQUEST', kind: 'usage' },
  PATCH_CONFLICT: { wire: 'INVALID_REQUEST', kind: 'conflict' },
  // Agent tools (issue 12): what a tool refuses the model, with how the owner allows it
  MEMORY_PATH_REFUSED: { wire: 'INVALID_REQUEST', kind: 'scope' },
  MESSAGE_TARGET_NOT_APPROVED: { wire: 'INVALID_REQUEST', kind: 'scope' },
  CRON_AGENT_JOBS_FULL: { wire: 'INVALID_REQUEST', kind: 'conflict' },
  // Agent web tools (issue 12): the message reaches the model as the tool's error result.
  // The SSRF guard refused a local, private or metadata host or address (allowlist: tools.web.fetch.allowPrivate).
  WEB_FETCH_BLOCKED: { wire: 'INVALID_REQUEST', kind: 'config' },
  WEB_FETCH_FAILED: { wire: 'UNAVAILABLE', kind: 'unavailable', retryable: true },
  // The page cannot be read as text (a binary content type) or its redirects go beyond the limit.
  WEB_FETCH_UNSUPPORTED: { wire: 'INVALID_REQUEST', kind: 'usage' },
  WEB_SEARCH_NOT_CONFIGURED: { wire: 'INVALID_REQUEST', kind: 'config' },
  WEB_SEARCH_FAILED: { wire: 'UNAVAILABLE', kind: 'unavailable', retryable: true },
  // Exec approvals (issue 12)
  UNKNOWN_APPROVAL: { wire: 'INVALID_REQUEST', kind: 'not-found' },
  APPROVAL_ALREADY_RESOLVED: { wire: 'INVALID_REQUEST', kind: 'conflict' },
  APPROVAL_EXPIRED: { wire: 'INVALID_REQUEST', kind: 'conflict' },
  INVALID_ALLOWLIST_PATTERN: { wire: 'INVALID_REQUEST', kind: 'usage' },
  UNKNOWN_ALLOWLIST_PATTERN: { wire: 'INVALID_REQUEST', kind: 'not-found' },
  // Agent tools: exec and process (issue 12)
  EXEC_DENIED: { wire: 'INVALID_REQUEST', kind: 'scope' },
  EXEC_SANDBOX_UNAVAILABLE: { wire: 'UNAVAILABLE', kind: 'config' },
  EXEC_WORKSPACE_UNSAFE: { wire: 'INVALID_REQUEST', kind: 'config' },
  EXEC_PROCESS_LIMIT: { wire: 'UNAVAILABLE', kind: 'unavailable', retryable: true },
  UNKNOWN_PROCESS: { wire: 'INVALID_REQUEST', kind: 'not-found' },
  // Local (CLI, client, config, store); never sent by the gateway
  USAGE: { wire: 'INVALID_REQUEST', kind: 'usage' },
  CONFIG_INVALID: { wire: 'INVALID_REQUEST', kind: 'config' },
  GATEWAY_TOKEN_WEAK: { wire: 'INVALID_REQUEST', kind: 'config' },
  STATE_DIR_INVALID: { wire: 'INVALID_REQUEST', kind: 'config' },
  STORE_UNAVAILABLE: { wire: 'UNAVAILABLE', kind: 'internal' },
  // The state dir's disk is full (ENOSPC, EDQUOT, SQLITE_FULL) or mounted read-only (EROFS); the message names the mount.
  DISK_FULL: { wire: 'UNAVAILABLE', kind: 'storage' },
  READ_ONLY_FILESYSTEM: { wire: 'UNAVAILABLE', kind: 'storage' },
  GATEWAY_UNREACHABLE: { wire: 'UNAVAILABLE', kind: 'unreachable', retryable: true },
  GATEWAY_TIMEOUT: { wire: 'UNAVAILABLE', kind: 'unreachable', retryable: true },
  GATEWAY_CLOSED: { wire: 'UNAVAILABLE', kind: 'unreachable', retryable: true },
  // A result that breaks its method's result schema (only clients built with validateResults check).
  INVALID_RESULT: { wire: 'UNAVAILABLE', kind: 'protocol' },
  GATEWAY_ALREADY_RUNNING: { wire: 'UNAVAILABLE', kind: 'conflict' },
  PORT_IN_USE: { wire: 'UNAVAILABLE', kind: 'port-in-use' },
  DOCTOR_FINDINGS: { wire: 'UNAVAILABLE', kind: 'findings' },
  BACKUP_INVALID: { wire: 'INVALID_REQUEST', kind: 'backup' },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Close instruction attached to a handshake failure: the gateway sends the error, then closes. */
export interface CloseSpec {
  readonly code: number;
  readonly reason: string;
}

/** The one error type of Clawgate: a catalogue code, a human message that names the next step, details. */
export class ClawgateError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;
  readonly close: CloseSpec | undefined;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, close?: CloseSpec) {
    super(message);
    this.name = 'ClawgateError';
    this.code = code;
    this.details = details;
    this.close = close;
  }

  get wireCode(): WireErrorCode {
    return ERROR_CATALOGUE[this.code].wire;
  }

  get kind(): ErrorKind {
    return ERROR_CATALOGUE[this.code].kind;
  }

  /** Whether the catalogue marks this code as worth retrying unchanged. */
  get retryable(): boolean {
    const entry: CatalogueEntry = ERROR_CATALOGUE[this.code];
    return entry.retryable === true;
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CATALOGUE, value);
}
