import type { ErrorCode } from '../protocol/error-catalogue.js';
import type { RetiredWhy } from '../store/retired-tokens.js';

/**
 * Why a connect was left waiting for approval, most specific first; each names the credential or record at
 * fault. A "known device" (key-changed) is a paired record with the same client id and display name (and
 * platform, when both name one) as the connect, under another key: the device id is the key's hash, so a new
 * key is a new device id, and only what the client says about itself links the two.
 */
export type PendingCause =
  | { kind: 'not-paired' }
  | { kind: 'token-retired'; why: RetiredWhy; role: string; retiredAtMs: number }
  | { kind: 'device-removed'; removedAtMs: number }
  | { kind: 'key-changed'; knownDeviceId: string; displayName: string }
  | { kind: 'request-expired'; expiredRequestId: string; expiredAtMs: number }
  | { kind: 'role-upgrade'; role: string; roles: string[] }
  | { kind: 'scope-upgrade'; missing: string[]; approved: string[] }
  | { kind: 'metadata-upgrade'; pinned: string; claimed: string };

/** The error a pending connect is refused with: wire NOT_PAIRED "pairing required", the precise code in details. */
export interface PendingRefusal {
  code: ErrorCode;
  message: string;
  details: Record<string, unknown>;
  /** Fits a close frame (120 bytes) and keeps "pairing required" and the approve command whole. */
  closeReason: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Build the refusal for a pending decision: cause, request, and the one command that resolves it. */
export function pendingRefusal(deviceId: string, requestId: string, reason: string, cause: PendingCause): PendingRefusal {
  const short = requestId.slice(0, 8);
  const dev = deviceId.slice(0, 12);
  const approve = `on the gateway host run clawgate devices approve ${short}`;
  const pairing = `pairing required (request ${requestId}, ${reason})`;
  const details = { requestId, reason, deviceId };
  const close = (what: string) => `${what}; pairing required: run clawgate devices approve ${short}`;
  switch (cause.kind) {
    case 'token-retired': {
      // A token from before the device was removed (and paired again) reads as revoked: the owner withdrew it.
      const code = cause.why === 'rotated' ? 'DEVICE_TOKEN_ROTATED' : 'DEVICE_TOKEN_REVOKED';
      const what = cause.why === 'removed' ? 'revoked (its device was removed)' : cause.why;
      return {
        code,
        message: `device token ${what} at ${iso(cause.retiredAtMs)}: the ${cause.role} token this device presented (device ${dev}) no longer works; ${pairing}: ${approve}, or connect once with the gateway token to get a fresh one`,
        details: { ...details, role: cause.role, retiredAtMs: cause.retiredAtMs, retiredWhy: cause.why },
        closeReason: close(`device token ${cause.why === 'rotated' ? 'rotated' : 'revoked'}`),
      };
    }
    case 'device-removed':
      return {
        code: 'DEVICE_REMOVED',
        message: `device ${dev} was removed from this gateway at ${iso(cause.removedAtMs)}; ${pairing}: ${approve} to pair it again`,
        details: { ...details, removedAtMs: cause.removedAtMs },
        closeReason: close('device removed'),
      };
    case 'key-changed':
      return {
        code: 'DEVICE_KEY_CHANGED',
        message: `new device key for "${cause.displayName}": it is paired as device ${cause.knownDeviceId.slice(0, 12)}, this key is device ${dev}; ${pairing}: ${approve}, then clawgate devices remove ${cause.knownDeviceId.slice(0, 12)} if the old key is gone`,
        details: { ...details, knownDeviceId: cause.knownDeviceId },
        closeReason: close('new device key'),
      };
    case 'request-expired':
      return {
        code: 'PAIRING_REQUEST_EXPIRED',
        message: `pairing request ${cause.expiredRequestId} expired at ${iso(cause.expiredAtMs)} without approval; new ${pairing}: ${approve}`,
        details: { ...details, expiredRequestId: cause.expiredRequestId, expiredAtMs: cause.expiredAtMs },
        closeReason: close('request expired'),
      };
    case 'role-upgrade':
      return {
        code: 'PAIRING_ROLE_UPGRADE',
        message: `role upgrade: device ${dev} asks for role "${cause.role}" but is approved only for ${cause.roles.join(', ') || 'no role'}; ${pairing}: ${approve}`,
        details: { ...details, role: cause.role, approvedRoles: cause.roles },
        closeReason: close('role upgrade'),
      };
    case 'scope-upgrade':
      return {
        code: 'PAIRING_SCOPE_UPGRADE',
        message: `scope upgrade: device ${dev} asks for ${cause.missing.join(', ')} beyond its approved ${cause.approved.join(', ') || '(none)'}; ${pairing}: ${approve}, or connect asking only for approved scopes`,
        details: { ...details, missing: cause.missing, approvedScopes: cause.approved },
        closeReason: close('scope upgrade'),
      };
    case 'metadata-upgrade':
      return {
        code: 'PAIRING_METADATA_UPGRADE',
        message: `device metadata changed: device ${dev} is pinned to ${cause.pinned} but claims ${cause.claimed}; ${pairing}: ${approve}`,
        details: { ...details, pinned: cause.pinned, claimed: cause.claimed },
        closeReason: close('device metadata changed'),
      };
    case 'not-paired':
      return {
        code: 'PAIRING_REQUIRED',
        message: `${pairing}: ${approve}`,
        details,
        closeReason: `pairing required: run clawgate devices approve ${short}`,
      };
  }
}
