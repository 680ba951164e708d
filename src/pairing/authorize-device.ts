import { randomUUID } from 'node:crypto';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { hashToken, mintToken } from '../auth/tokens.js';
import type { Store } from '../store/store.js';
import type { DeviceRecord } from '../store/devices.js';
import type { TokenRecord } from '../store/device-tokens.js';
import type { PendingRecord } from '../store/pending-requests.js';
import { judgeDeviceToken, type DeviceTokenVerdict, type PresentedTokens } from './device-token-verdict.js';
import { applyApproval, pruneExpired } from './operations.js';
import { decide, type ClientKind, type Locality, type PairingReason, type PolicyOptions } from './policy.js';
import { scopesCover, unionScopes } from './scope-lattice.js';

/** How long a pending request lives without the device asking again. */
export const PENDING_REQUEST_TTL_MS = 15 * 60_000;

/** A verified device connect, as the pairing layer needs it; the presented tokens are judged here, not by the caller. */
export interface DeviceConnect extends PresentedTokens {
  deviceId: string;
  publicKey: string;
  role: string;
  scopes: string[];
  clientId: string;
  clientMode: string;
  displayName?: string | undefined;
  platform?: string | undefined;
  deviceFamily?: string | undefined;
  remoteIp?: string | undefined;
  locality: Locality;
  kind: ClientKind;
  /** The client proved ownership of the install (gateway token, or auth mode none on loopback). */
  proof: boolean;
  /** The caller's failed-auth limit bars device-token attempts from this address: any presented device token is refused. */
  deviceTokenLocked?: boolean | undefined;
}

/** A token handed to the client in hello-ok.auth; shown once, stored only as a hash. */
export interface IssuedToken {
  deviceToken: string;
  role: string;
  scopes: string[];
  issuedAtMs: number;
}

export type DeviceDecision =
  | { outcome: 'pass'; issued?: IssuedToken; autoApprovedRequestId?: string; authMethod: 'device-token' | 'gateway-token' | 'device-signature' }
  | { outcome: 'pending'; requestId: string; reason: PairingReason; created: boolean };

function lower(v: string | undefined): string | undefined {
  return v?.trim().toLowerCase() || undefined;
}

/** Why the record does not cover this connect, checked in the reference order. */
export function pairingReason(device: DeviceRecord | undefined, c: DeviceConnect): PairingReason {
  if (!device || device.publicKey !== c.publicKey) return 'not-paired';
  const pinnedPlatform = lower(device.platform);
  const pinnedFamily = lower(device.deviceFamily);
  if ((pinnedPlatform && lower(c.platform) && pinnedPlatform !== lower(c.platform)) || (pinnedFamily && lower(c.deviceFamily) && pinnedFamily !== lower(c.deviceFamily))) {
    return 'metadata-upgrade';
  }
  if (!device.roles.includes(c.role)) return 'role-upgrade';
  if (c.role === 'operator' ? !scopesCover(device.approvedScopes, c.scopes) : !c.scopes.every((s) => device.approvedScopes.includes(s))) {
    return 'scope-upgrade';
  }
  return 'none';
}

function mintFor(store: Store, c: DeviceConnect, nowMs: number, why: string): IssuedToken {
  const device = store.devices.get(c.deviceId)!;
  const existing = store.tokens.get(c.deviceId, c.role);
  const token = mintToken();
  const scopes = c.role === 'operator' ? device.approvedScopes : [];
  store.tokens.put({
    deviceId: c.deviceId,
    role: c.role,
    tokenHash: hashToken(token),
    scopes,
    createdAtMs: existing?.createdAtMs ?? nowMs,
    rotatedAtMs: existing ? nowMs : undefined,
    revokedAtMs: undefined,
    confirmedAtMs: undefined,
    lastUsedAtMs: nowMs,
  });
  store.audit.append({ tsMs: nowMs, kind: 'token.minted', deviceId: c.deviceId, role: c.role, actor: 'gateway', reason: why });
  return { deviceToken: token, role: c.role, scopes, issuedAtMs: nowMs };
}

function upsertPending(store: Store, c: DeviceConnect, reason: PairingReason, nowMs: number): { request: PendingRecord; created: boolean } {
  const existing = store.pending.forDevice(c.deviceId, nowMs);
  const request: PendingRecord = {
    requestId: existing?.requestId ?? randomUUID(),
    deviceId: c.deviceId,
    publicKey: c.publicKey,
    displayName: c.displayName ?? existing?.displayName,
    platform: c.platform ?? existing?.platform,
    deviceFamily: c.deviceFamily ?? existing?.deviceFamily,
    clientId: c.clientId,
    clientMode: c.clientMode,
    role: existing?.role ?? c.role,
    roles: unionScopes(existing?.roles ?? [], [c.role]),
    scopes: unionScopes(existing?.scopes ?? [], c.scopes),
    reason: existing && existing.reason !== reason ? existing.reason : reason,
    remoteIp: c.remoteIp ?? existing?.remoteIp,
    isRepair: (existing?.isRepair ?? false) || store.devices.get(c.deviceId) !== undefined,
    firstSeenAtMs: existing?.firstSeenAtMs ?? nowMs,
    lastSeenAtMs: nowMs,
    expiresAtMs: nowMs + PENDING_REQUEST_TTL_MS,
  };
  store.pending.put(request);
  return { request, created: existing === undefined };
}

/**
 * The pairing and token decision for a device connect, in one transaction on the store (the only truth).
 * Throws ClawgateError for refusals (AUTH_TOKEN_MISMATCH, AUTH_RATE_LIMITED, AUTH_TOKEN_MISSING,
 * AUTH_DEVICE_TOKEN_MISMATCH, PAIRING_REFUSED), which roll the transaction back; returns pass (maybe with
 * a freshly minted token) or pending.
 */
export function authorizeDevice(store: Store, c: DeviceConnect, policy: PolicyOptions, nowMs: number): DeviceDecision {
  return store.write((): DeviceDecision => {
    // Judged first: a wrong gateway token or a barred attempt is refused before anything is written.
    const active = store.tokens.get(c.deviceId, c.role);
    const verdict = judgeDeviceToken(active, c);
    if (verdict === 'gateway-token-mismatch') {
      throw new ClawgateError('AUTH_TOKEN_MISMATCH', 'unauthorized: gateway token mismatch', { authReason: 'token_mismatch' });
    }
    if (verdict !== 'none' && c.deviceTokenLocked) {
      throw new ClawgateError('AUTH_RATE_LIMITED', 'unauthorized: too many failed authentication attempts', { scope: 'device-token' });
    }
    pruneExpired(store, nowMs);
    const device = store.devices.get(c.deviceId);
    const reason = pairingReason(device, c);
    // A browser page never becomes a node: a new device asking a non-operator role is decided as a role request.
    const policyReason: PairingReason = reason === 'not-paired' && c.kind === 'browser' && c.role !== 'operator' ? 'role-upgrade' : reason;
    const decision = decide(c.locality, policyReason, c.proof ? 'gateway-token' : 'none', c.kind, policy);

    if (decision === 'refuse') {
      throw new ClawgateError('PAIRING_REFUSED', `pairing refused (${reason}): a browser page cannot take role "${c.role}"`, { reason });
    }
    if (decision === 'pending') {
      const { request, created } = upsertPending(store, c, reason, nowMs);
      if (created) {
        store.audit.append({ tsMs: nowMs, kind: 'pairing.requested', deviceId: c.deviceId, requestId: request.requestId, role: c.role, actor: 'gateway', reason, detail: { scopes: request.scopes, locality: c.locality } });
      }
      return { outcome: 'pending', requestId: request.requestId, reason, created };
    }
    if (decision === 'auto-approve') {
      const { request } = upsertPending(store, c, reason, nowMs);
      applyApproval(store, request, nowMs);
      store.audit.append({ tsMs: nowMs, kind: 'pairing.auto-approved', deviceId: c.deviceId, requestId: request.requestId, role: c.role, actor: 'gateway', reason, detail: { scopes: request.scopes, locality: c.locality } });
      const issued = mintFor(store, c, nowMs, 'approved');
      touch(store, c, nowMs);
      return { outcome: 'pass', issued, autoApprovedRequestId: request.requestId, authMethod: c.proof ? 'gateway-token' : 'device-signature' };
    }
    return passWithToken(store, c, nowMs, device, active, verdict);
  });
}

/** last-seen and last-used are informational: refreshed at most this often, so a busy device's connects stay read-only. */
export const USAGE_WRITE_INTERVAL_MS = 60_000;

function touch(store: Store, c: DeviceConnect, nowMs: number, device = store.devices.get(c.deviceId)): void {
  const fresh = device?.lastSeenAtMs !== undefined && nowMs - device.lastSeenAtMs < USAGE_WRITE_INTERVAL_MS && (c.remoteIp ?? device.remoteIp) === device.remoteIp;
  if (!fresh) store.devices.touch(c.deviceId, nowMs, c.remoteIp);
}

/** The record covers the connect; now the device-token verdict decides (see DESIGN.md "Minting"). */
function passWithToken(store: Store, c: DeviceConnect, nowMs: number, device: DeviceRecord | undefined, token: TokenRecord | undefined, verdict: DeviceTokenVerdict): DeviceDecision {
  touch(store, c, nowMs, device);
  if (verdict === 'valid' && token) {
    const recentlyUsed = token.confirmedAtMs !== undefined && token.lastUsedAtMs !== undefined && nowMs - token.lastUsedAtMs < USAGE_WRITE_INTERVAL_MS;
    if (!recentlyUsed) store.tokens.markUsed(c.deviceId, c.role, nowMs);
    return { outcome: 'pass', authMethod: 'device-token' };
  }
  // The gateway token proves ownership and the client sent no device token: it does not need one, and
  // minting on every call would churn.
  if (c.proof && verdict === 'none' && token?.tokenHash !== undefined) return { outcome: 'pass', authMethod: 'gateway-token' };
  // Issued but not yet delivered, or delivered and never presented back (the client may have died
  // before caching it): the signature proves the key, so (re)deliver.
  if (!token || token.tokenHash === undefined || token.confirmedAtMs === undefined) {
    return { outcome: 'pass', issued: mintFor(store, c, nowMs, token ? 'delivery' : 'first-connect'), authMethod: c.proof ? 'gateway-token' : 'device-signature' };
  }
  // Gateway token proves ownership: a stale cached token is replaced in the same connect.
  if (c.proof) return { outcome: 'pass', issued: mintFor(store, c, nowMs, 'stale-cache'), authMethod: 'gateway-token' };
  const short = c.deviceId.slice(0, 12);
  const fix = `run clawgate devices rotate --device ${short} --role ${c.role} on the gateway host (this device picks the new token up on its next connect), or connect with the gateway token`;
  if (verdict === 'none') {
    throw new ClawgateError('AUTH_TOKEN_MISSING', `unauthorized: device token missing (device ${short} is paired but sent no token); ${fix}`, {
      authReason: 'token-missing',
      deviceId: c.deviceId,
    });
  }
  throw new ClawgateError('AUTH_DEVICE_TOKEN_MISMATCH', `unauthorized: device token mismatch (rotate/reissue device token); ${fix}`, {
    authReason: 'token-mismatch',
    deviceId: c.deviceId,
  });
}
