import { ClawgateError } from '../protocol/error-catalogue.js';
import type { PairedDeviceView, PendingRequestView } from '../protocol/methods/views.js';
import { hashToken, mintToken } from '../auth/tokens.js';
import type { Store } from '../store/store.js';
import type { PendingRecord } from '../store/pending-requests.js';
import type { TokenRecord } from '../store/device-tokens.js';
import type { RetiredWhy } from '../store/retired-tokens.js';
import type { Actor } from './actor.js';
import { resolveDeviceId, resolveRequestId } from './ids.js';
import { missingScopes, unionScopes } from './scope-lattice.js';
import { deviceView, pendingView } from './views.js';

const ADMIN = 'operator.admin';

function isAdmin(actor: Actor): boolean {
  return actor.scopes.includes(ADMIN);
}

/** Non-admin callers manage only their own device. */
function assertManages(actor: Actor, deviceId: string, what: string): void {
  if (isAdmin(actor) || actor.deviceId === deviceId) return;
  throw new ClawgateError('FORBIDDEN', `${what} of another device needs operator.admin; this connection may manage only its own device`, {
    deviceId,
  });
}

/** Remember the record's active hash as retired (so a presented old token is named), if it has one. */
export function retireActiveToken(store: Store, token: TokenRecord | undefined, why: RetiredWhy, actor: string, nowMs: number): void {
  if (token?.tokenHash === undefined) return;
  store.retiredTokens.retire({ deviceId: token.deviceId, role: token.role, tokenHash: token.tokenHash, why, retiredAtMs: nowMs, actor });
}

/** Prune expired requests, auditing each expiry. Called inside write transactions. */
export function pruneExpired(store: Store, nowMs: number): void {
  for (const p of store.pending.pruneExpired(nowMs)) {
    store.audit.append({ tsMs: nowMs, kind: 'pairing.expired', deviceId: p.deviceId, requestId: p.requestId, role: p.role, actor: 'gateway' });
  }
}

/** device.pair.list: live pending requests (newest first) and paired devices (newest approval first). */
export function listPairing(store: Store, nowMs: number): { pending: PendingRequestView[]; paired: PairedDeviceView[] } {
  return {
    pending: store.pending.list(nowMs).map(pendingView),
    paired: store.devices.list().map((d) => deviceView(store, d)),
  };
}

/**
 * Record an approval of `request`: roles and scopes are unioned into the device record and the role's
 * token waits for delivery on the device's next signed connect (we store hashes, so it is minted there).
 */
export function applyApproval(store: Store, request: PendingRecord, nowMs: number): void {
  const existing = store.devices.get(request.deviceId);
  store.devices.upsert({
    deviceId: request.deviceId,
    publicKey: request.publicKey,
    displayName: request.displayName ?? existing?.displayName,
    platform: request.platform ?? existing?.platform,
    deviceFamily: request.deviceFamily ?? existing?.deviceFamily,
    clientId: request.clientId ?? existing?.clientId,
    clientMode: request.clientMode ?? existing?.clientMode,
    roles: unionScopes(existing?.roles ?? [], request.roles, [request.role]),
    // Only what the record does not already allow is added: approving a repair leaves the scopes as approved.
    approvedScopes: unionScopes(existing?.approvedScopes ?? [], missingScopes(existing?.approvedScopes ?? [], request.scopes)),
    remoteIp: request.remoteIp ?? existing?.remoteIp,
    createdAtMs: existing?.createdAtMs ?? nowMs,
    approvedAtMs: nowMs,
    lastSeenAtMs: existing?.lastSeenAtMs,
  });
  const token = store.tokens.get(request.deviceId, request.role);
  retireActiveToken(store, token, 'rotated', 'gateway', nowMs);
  const approved = store.devices.get(request.deviceId)!.approvedScopes;
  // Owed to the approved key: delivered on its next signed connect, whatever old token it presents.
  store.tokens.put({
    deviceId: request.deviceId,
    role: request.role,
    tokenHash: undefined,
    scopes: request.role === 'operator' ? approved : [],
    createdAtMs: token?.createdAtMs ?? nowMs,
    rotatedAtMs: token ? nowMs : undefined,
    revokedAtMs: undefined,
    confirmedAtMs: undefined,
    lastUsedAtMs: token?.lastUsedAtMs,
  });
  store.pending.delete(request.requestId);
}

/** device.pair.approve. A non-admin approver may grant only scopes it holds itself. */
export function approveRequest(store: Store, idOrPrefix: string, actor: Actor, nowMs: number): { requestId: string; device: PairedDeviceView } {
  return store.write(() => {
    pruneExpired(store, nowMs);
    const requestId = resolveRequestId(store, idOrPrefix, nowMs);
    const request = store.pending.get(requestId, nowMs)!;
    if (!isAdmin(actor)) {
      const beyond = missingScopes(actor.scopes, request.scopes);
      if (beyond.length > 0) {
        throw new ClawgateError('SCOPE_ESCALATION', `approving this request would grant ${beyond.join(', ')}, which this connection does not hold; approve it as an admin`, {
          requestId,
          missing: beyond,
        });
      }
    }
    applyApproval(store, request, nowMs);
    store.audit.append({ tsMs: nowMs, kind: 'pairing.approved', deviceId: request.deviceId, requestId, role: request.role, actor: actor.label, detail: { scopes: request.scopes } });
    return { requestId, device: deviceView(store, store.devices.get(request.deviceId)!) };
  });
}

/** device.pair.reject. */
export function rejectRequest(store: Store, idOrPrefix: string, actor: Actor, nowMs: number): { requestId: string; deviceId: string } {
  return store.write(() => {
    pruneExpired(store, nowMs);
    const requestId = resolveRequestId(store, idOrPrefix, nowMs);
    const request = store.pending.get(requestId, nowMs)!;
    store.pending.delete(requestId);
    store.audit.append({ tsMs: nowMs, kind: 'pairing.rejected', deviceId: request.deviceId, requestId, role: request.role, actor: actor.label });
    return { requestId, deviceId: request.deviceId };
  });
}

/** device.pair.remove: the device, its tokens and any pending request go; its sockets are closed. */
export function removeDevice(store: Store, idOrPrefix: string, actor: Actor, nowMs: number): { deviceId: string } {
  return store.write(() => {
    const deviceId = resolveDeviceId(store, idOrPrefix);
    assertManages(actor, deviceId, 'removal');
    const pending = store.pending.forDevice(deviceId, nowMs);
    if (pending) store.pending.delete(pending.requestId);
    // The rows outlive the device: its old token, or its id alone, then reads as "removed", not as a stranger.
    const tokens = store.tokens.forDevice(deviceId);
    for (const t of tokens) store.retiredTokens.retire({ deviceId, role: t.role, tokenHash: t.tokenHash, why: 'removed', retiredAtMs: nowMs, actor: actor.label });
    if (tokens.length === 0) store.retiredTokens.retire({ deviceId, role: 'operator', tokenHash: undefined, why: 'removed', retiredAtMs: nowMs, actor: actor.label });
    store.devices.delete(deviceId);
    store.audit.append({ tsMs: nowMs, kind: 'device.removed', deviceId, actor: actor.label });
    return { deviceId };
  });
}

/** Result of a rotation: the token only when the caller rotated its own device. */
export interface RotateResult {
  deviceId: string;
  role: string;
  token?: string;
  scopes: string[];
  rotatedAtMs: number;
  delivery: 'response' | 'next-connect';
}

/**
 * device.token.rotate. The old token is retired at once (remembered by hash, refused as "rotated"). The
 * caller gets the new bearer only for its own device. Any other device gets a token on its next connect
 * with the gateway token, or after the owner approves the one request it then makes (never echoed to an admin).
 */
export function rotateToken(
  store: Store,
  input: { deviceId: string; role: string; scopes?: string[] | undefined },
  actor: Actor,
  nowMs: number,
): RotateResult {
  return store.write(() => {
    const deviceId = resolveDeviceId(store, input.deviceId);
    assertManages(actor, deviceId, 'token rotation');
    const device = store.devices.get(deviceId)!;
    const existing = store.tokens.get(deviceId, input.role);
    if (!device.roles.includes(input.role)) {
      throw new ClawgateError('UNKNOWN_ROLE', `unknown deviceId/role: device ${deviceId.slice(0, 12)} is not approved for role "${input.role}"`, {
        deviceId,
        role: input.role,
      });
    }
    const scopes = unionScopes(input.scopes ?? existing?.scopes ?? device.approvedScopes);
    const beyond = input.role === 'operator' ? missingScopes(device.approvedScopes, scopes) : scopes.filter((s) => !device.approvedScopes.includes(s));
    if (beyond.length > 0) {
      throw new ClawgateError('SCOPE_ESCALATION', `cannot rotate to ${beyond.join(', ')}: beyond what device ${deviceId.slice(0, 12)} is approved for; approve a scope upgrade instead`, {
        deviceId,
        missing: beyond,
      });
    }
    const self = actor.deviceId === deviceId;
    const token = self ? mintToken() : undefined;
    retireActiveToken(store, existing, 'rotated', actor.label, nowMs);
    store.tokens.put({
      deviceId,
      role: input.role,
      tokenHash: token ? hashToken(token) : undefined,
      scopes,
      createdAtMs: existing?.createdAtMs ?? nowMs,
      rotatedAtMs: nowMs,
      revokedAtMs: undefined,
      confirmedAtMs: undefined,
      lastUsedAtMs: existing?.lastUsedAtMs,
      // Not owed to a signed connect alone: that would hand the new token to whoever holds the old cache.
      needsProof: true,
    });
    store.audit.append({ tsMs: nowMs, kind: 'token.rotated', deviceId, role: input.role, actor: actor.label, detail: { delivery: self ? 'response' : 'next-connect' } });
    const result: RotateResult = { deviceId, role: input.role, scopes, rotatedAtMs: nowMs, delivery: self ? 'response' : 'next-connect' };
    if (token) result.token = token;
    return result;
  });
}

/**
 * device.token.revoke: the token is retired at once (refused as "revoked"); the pairing record (roles,
 * scopes) stays. The device gets a new token by connecting with the gateway token, or after the owner
 * approves the one request it then makes.
 */
export function revokeToken(store: Store, input: { deviceId: string; role: string }, actor: Actor, nowMs: number): { deviceId: string; role: string; revokedAtMs: number } {
  return store.write(() => {
    const deviceId = resolveDeviceId(store, input.deviceId);
    assertManages(actor, deviceId, 'token revocation');
    const token = store.tokens.get(deviceId, input.role);
    if (!token || token.revokedAtMs !== undefined) {
      throw new ClawgateError('UNKNOWN_ROLE', `unknown deviceId/role: device ${deviceId.slice(0, 12)} has no active token for role "${input.role}"`, {
        deviceId,
        role: input.role,
      });
    }
    retireActiveToken(store, token, 'revoked', actor.label, nowMs);
    store.tokens.put({ ...token, tokenHash: undefined, revokedAtMs: nowMs, confirmedAtMs: undefined, needsProof: true });
    store.audit.append({ tsMs: nowMs, kind: 'token.revoked', deviceId, role: input.role, actor: actor.label });
    return { deviceId, role: input.role, revokedAtMs: nowMs };
  });
}

