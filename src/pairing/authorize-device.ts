import { randomUUID } from 'node:crypto';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { hashToken, mintToken } from '../auth/tokens.js';
import type { Store } from '../store/store.js';
import type { DeviceRecord } from '../store/devices.js';
import type { TokenRecord } from '../store/device-tokens.js';
import type { PendingRecord } from '../store/pending-requests.js';
import type { RetiredToken } from '../store/retired-tokens.js';
import { judgeDeviceToken, type DeviceTokenVerdict, type PresentedTokens } from './device-token-verdict.js';
import { applyApproval, pruneExpired, retireActiveToken } from './operations.js';
import type { PendingCause } from './pending-cause.js';
import { decide, type ClientKind, type Locality, type PairingReason, type PolicyOptions } from './policy.js';
import { missingScopes, scopesCover, unionScopes } from './scope-lattice.js';

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
  /** The connect carried a valid single-use code (already consumed and checked against the scopes asked); who issued it. */
  bootstrap?: { issuedBy: string } | undefined;
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
  | { outcome: 'pass'; issued?: IssuedToken; autoApprovedRequestId?: string; authMethod: 'device-token' | 'gateway-token' | 'device-signature' | 'bootstrap-code' }
  | { outcome: 'pending'; requestId: string; reason: string; created: boolean; cause: PendingCause };

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

/** Mint the role's token. needsProof: minted against the gateway token, so a signed connect alone never gets it re-delivered. */
function mintFor(store: Store, c: DeviceConnect, nowMs: number, why: string, needsProof = false): IssuedToken {
  const device = store.devices.get(c.deviceId)!;
  const existing = store.tokens.get(c.deviceId, c.role);
  retireActiveToken(store, existing, 'rotated', 'gateway', nowMs);
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
    needsProof: needsProof || undefined,
  });
  store.audit.append({ tsMs: nowMs, kind: 'token.minted', deviceId: c.deviceId, role: c.role, actor: 'gateway', reason: why });
  return { deviceToken: token, role: c.role, scopes, issuedAtMs: nowMs };
}

function upsertPending(store: Store, c: DeviceConnect, reason: string, nowMs: number): { request: PendingRecord; created: boolean } {
  // An expired request still stored (pruning runs only now and then) is retired first: a device has one request
  // row (device_id is unique), so the new one takes its place. A stored expired one means it has no live one.
  const expired = store.pending.takeExpiredForDevice(c.deviceId, nowMs);
  if (expired) store.audit.append({ tsMs: nowMs, kind: 'pairing.expired', deviceId: c.deviceId, requestId: expired.requestId, role: expired.role, actor: 'gateway' });
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
    // The first reason stays: the owner approves the request as it was first shown.
    reason: existing?.reason ?? reason,
    remoteIp: c.remoteIp ?? existing?.remoteIp,
    isRepair: existing?.isRepair || store.devices.get(c.deviceId) !== undefined,
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
 * a freshly minted token) or pending (with its precise cause; the request is committed).
 */
export function authorizeDevice(store: Store, c: DeviceConnect, policy: PolicyOptions, nowMs: number): DeviceDecision {
  return store.write((): DeviceDecision => {
    // Judged first: a wrong gateway token or a barred attempt is refused before anything is written.
    const active = store.tokens.get(c.deviceId, c.role);
    const retired = store.retiredTokens.forDevice(c.deviceId, nowMs);
    const verdict = judgeDeviceToken(active, c, retired);
    if (verdict.kind === 'gateway-token-mismatch') {
      throw new ClawgateError('AUTH_TOKEN_MISMATCH', 'unauthorized: gateway token mismatch', { authReason: 'token_mismatch' });
    }
    if (verdict.kind !== 'none' && c.deviceTokenLocked) {
      throw new ClawgateError('AUTH_RATE_LIMITED', 'unauthorized: too many failed authentication attempts', { scope: 'device-token' });
    }
    pruneExpired(store, nowMs);
    const device = store.devices.get(c.deviceId);
    const reason = pairingReason(device, c);
    // A new device asking a non-operator role is decided as a role request, so a browser page never becomes a
    // node: the policy refuses a browser a role upgrade, and decides every upgrade of any other client alike.
    const policyReason: PairingReason = reason === 'not-paired' && c.role !== 'operator' ? 'role-upgrade' : reason;
    const decision = decide(c.locality, policyReason, c.bootstrap ? 'bootstrap-code' : c.proof ? 'gateway-token' : 'none', c.kind, policy);

    if (decision === 'refuse') {
      throw new ClawgateError('PAIRING_REFUSED', `pairing refused (${reason}): a browser page cannot take role "${c.role}"`, { reason });
    }
    if (decision === 'pending') return leavePending(store, c, reason, pendingCause(store, c, device, reason, verdict, retired), nowMs);
    if (decision === 'auto-approve') {
      const { request } = upsertPending(store, c, reason, nowMs);
      applyApproval(store, request, nowMs);
      const via = c.bootstrap ? { via: 'bootstrap-code', issuedBy: c.bootstrap.issuedBy } : {};
      store.audit.append({ tsMs: nowMs, kind: 'pairing.auto-approved', deviceId: c.deviceId, requestId: request.requestId, role: c.role, actor: 'gateway', reason, detail: { scopes: request.scopes, locality: c.locality, ...via } });
      const issued = mintFor(store, c, nowMs, 'approved');
      touch(store, c, nowMs, store.devices.get(c.deviceId)!);
      // The policy auto-approves only a client holding the gateway token or a single-use code.
      return { outcome: 'pass', issued, autoApprovedRequestId: request.requestId, authMethod: c.bootstrap ? 'bootstrap-code' : 'gateway-token' };
    }
    // A pass means the record covers the connect (reason "none"), so the device exists.
    return passWithToken(store, c, nowMs, device!, active, verdict);
  });
}

/** Create or merge the device's one pending request (stable id on every retry) and say why it waits. */
function leavePending(store: Store, c: DeviceConnect, reason: string, cause: PendingCause, nowMs: number): DeviceDecision {
  const { request, created } = upsertPending(store, c, reason, nowMs);
  // Read before this request's own audit row: did the device's previous request end by expiring?
  const lastPairing = store.audit.lastForDevice(c.deviceId, PAIRING_KINDS);
  if (created) {
    store.audit.append({ tsMs: nowMs, kind: 'pairing.requested', deviceId: c.deviceId, requestId: request.requestId, role: c.role, actor: 'gateway', reason, detail: { scopes: request.scopes, locality: c.locality } });
  }
  // Only a request that nobody resolved expires; naming it tells the owner why the id they hold is gone.
  const why: PendingCause =
    created && lastPairing?.kind === 'pairing.expired' && lastPairing.requestId && (cause.kind === 'not-paired' || cause.kind.endsWith('-upgrade'))
      ? { kind: 'request-expired', expiredRequestId: lastPairing.requestId, expiredAtMs: lastPairing.tsMs }
      : cause;
  return { outcome: 'pending', requestId: request.requestId, reason, created, cause: why };
}

const PAIRING_KINDS = ['pairing.requested', 'pairing.approved', 'pairing.auto-approved', 'pairing.rejected', 'pairing.expired'] as const;

/** The most specific cause of a pending decision: the record or credential at fault, in the order a fix needs it. */
function pendingCause(store: Store, c: DeviceConnect, device: DeviceRecord | undefined, reason: PairingReason, verdict: DeviceTokenVerdict, retired: readonly RetiredToken[]): PendingCause {
  if (!device) {
    const removal = retired.find((r) => r.why === 'removed');
    if (removal) return { kind: 'device-removed', removedAtMs: removal.retiredAtMs };
    const known = c.displayName === undefined ? undefined : store.devices.list().find((d) => isSameClient(d, c));
    if (known) return { kind: 'key-changed', knownDeviceId: known.deviceId, displayName: c.displayName! };
  }
  if (verdict.kind === 'retired') return { kind: 'token-retired', why: verdict.retired.why, role: verdict.retired.role, retiredAtMs: verdict.retired.retiredAtMs };
  if (!device || reason === 'not-paired') return { kind: 'not-paired' };
  if (reason === 'role-upgrade') return { kind: 'role-upgrade', role: c.role, roles: device.roles };
  if (reason === 'scope-upgrade') {
    const missing = c.role === 'operator' ? missingScopes(device.approvedScopes, c.scopes) : c.scopes.filter((s) => !device.approvedScopes.includes(s));
    return { kind: 'scope-upgrade', missing, approved: device.approvedScopes };
  }
  const show = (platform: string | undefined, family: string | undefined) => `platform "${platform ?? ''}", family "${family ?? ''}"`;
  return { kind: 'metadata-upgrade', pinned: show(device.platform, device.deviceFamily), claimed: show(c.platform, c.deviceFamily) };
}

/** A paired record under another key that names itself as this client does (see PendingCause "key-changed"). */
function isSameClient(d: DeviceRecord, c: DeviceConnect): boolean {
  if (d.publicKey === c.publicKey || d.displayName !== c.displayName || d.clientId !== c.clientId) return false;
  return !d.platform || !c.platform || lower(d.platform) === lower(c.platform);
}

/** last-seen and last-used are informational: refreshed at most this often, so a busy device's connects stay read-only. */
export const USAGE_WRITE_INTERVAL_MS = 60_000;

function touch(store: Store, c: DeviceConnect, nowMs: number, device: DeviceRecord): void {
  // A device never seen (just approved) is written at once.
  const fresh = nowMs - (device.lastSeenAtMs ?? Number.NEGATIVE_INFINITY) < USAGE_WRITE_INTERVAL_MS && (c.remoteIp ?? device.remoteIp) === device.remoteIp;
  if (!fresh) store.devices.touch(c.deviceId, nowMs, c.remoteIp);
}

/** The record covers the connect; now the device-token verdict decides (see DESIGN.md "Minting"). */
function passWithToken(store: Store, c: DeviceConnect, nowMs: number, device: DeviceRecord, token: TokenRecord | undefined, verdict: DeviceTokenVerdict): DeviceDecision {
  touch(store, c, nowMs, device);
  // A code is spent on this connect to get this key a token: an already paired key gets a fresh one.
  if (c.bootstrap) return { outcome: 'pass', issued: mintFor(store, c, nowMs, 'bootstrap-code', true), authMethod: 'bootstrap-code' };
  // "valid" means the presented token matched the active record's hash: the record exists.
  if (verdict.kind === 'valid') {
    const recentlyUsed = token!.confirmedAtMs !== undefined && nowMs - (token!.lastUsedAtMs ?? Number.NEGATIVE_INFINITY) < USAGE_WRITE_INTERVAL_MS;
    if (!recentlyUsed) store.tokens.markUsed(c.deviceId, c.role, nowMs);
    return { outcome: 'pass', authMethod: 'device-token' };
  }
  // The gateway token proves ownership and the client sent no device token: it does not need one, and
  // minting on every call would churn.
  if (c.proof && verdict.kind === 'none' && token?.tokenHash !== undefined) return { outcome: 'pass', authMethod: 'gateway-token' };
  // Owed by an approval: issued but not yet delivered, or delivered and never presented back (the client
  // may have died before caching it). The signature proves the approved key, so (re)deliver.
  const owed = !token || (token.revokedAtMs === undefined && !token.needsProof && token.confirmedAtMs === undefined);
  if (owed) return { outcome: 'pass', issued: mintFor(store, c, nowMs, token ? 'delivery' : 'first-connect'), authMethod: c.proof ? 'gateway-token' : 'device-signature' };
  // Gateway token proves ownership: a stale, rotated or revoked cached token is replaced in the same connect.
  if (c.proof) return { outcome: 'pass', issued: mintFor(store, c, nowMs, verdict.kind === 'retired' ? `replaces-${verdict.retired.why}` : 'stale-cache', true), authMethod: 'gateway-token' };
  // Without proof a retired token is never re-minted: the device waits, under one stable request, for the owner.
  const retirement = retirementOf(verdict, token);
  if (retirement) return leavePending(store, c, `token-${retirement.why}`, { kind: 'token-retired', role: c.role, ...retirement }, nowMs);
  const short = c.deviceId.slice(0, 12);
  const fix = `connect once with the gateway token to get a fresh one, or on the gateway host run clawgate devices revoke --device ${short} --role ${c.role}, then approve the request this device makes on its next connect`;
  if (verdict.kind === 'none') {
    throw new ClawgateError('AUTH_TOKEN_MISSING', `unauthorized: device token missing (device ${short} is paired but sent no token); ${fix}`, {
      authReason: 'token-missing',
      deviceId: c.deviceId,
    });
  }
  throw new ClawgateError('AUTH_DEVICE_TOKEN_MISMATCH', `unauthorized: device token mismatch (rotate/reissue device token); the presented token is not one this gateway issued to device ${short} (or it was retired too long ago to be remembered); ${fix}`, {
    authReason: 'token-mismatch',
    deviceId: c.deviceId,
  });
}

/** The retirement a refused connect is named by: the presented old token's, or the record's when none is active. */
function retirementOf(verdict: DeviceTokenVerdict, token: TokenRecord): { why: 'rotated' | 'revoked' | 'removed'; retiredAtMs: number } | undefined {
  if (verdict.kind === 'retired') return { why: verdict.retired.why, retiredAtMs: verdict.retired.retiredAtMs };
  if (token.tokenHash !== undefined) return undefined;
  return token.revokedAtMs !== undefined ? { why: 'revoked', retiredAtMs: token.revokedAtMs } : { why: 'rotated', retiredAtMs: token.rotatedAtMs ?? token.createdAtMs };
}
