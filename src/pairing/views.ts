import type { PairedDeviceView, PendingRequestView, TokenView } from '../protocol/methods/views.js';
import type { Store } from '../store/store.js';
import type { DeviceRecord } from '../store/devices.js';
import type { TokenRecord } from '../store/device-tokens.js';
import type { PendingRecord } from '../store/pending-requests.js';

/** Copy only defined values, so views carry no `undefined` keys. */
function defined<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

/** Wire view of a pending request. */
export function pendingView(p: PendingRecord): PendingRequestView {
  return defined({
    requestId: p.requestId,
    deviceId: p.deviceId,
    publicKey: p.publicKey,
    displayName: p.displayName,
    platform: p.platform,
    deviceFamily: p.deviceFamily,
    clientId: p.clientId,
    clientMode: p.clientMode,
    role: p.role,
    roles: p.roles,
    scopes: p.scopes,
    remoteIp: p.remoteIp,
    silent: false,
    isRepair: p.isRepair,
    reason: p.reason,
    ts: p.lastSeenAtMs,
    firstSeenAtMs: p.firstSeenAtMs,
    expiresAtMs: p.expiresAtMs,
  });
}

/** Wire view of a token: never the token, only its fingerprint (the stored hash's prefix). */
export function tokenView(t: TokenRecord): TokenView {
  return defined({
    role: t.role,
    scopes: t.scopes,
    createdAtMs: t.createdAtMs,
    rotatedAtMs: t.rotatedAtMs,
    revokedAtMs: t.revokedAtMs,
    lastUsedAtMs: t.lastUsedAtMs,
    fingerprint: t.tokenHash ? `sha256:${t.tokenHash.slice(0, 12)}` : undefined,
    awaitingDelivery: t.revokedAtMs === undefined && t.tokenHash === undefined && !t.needsProof ? true : undefined,
  });
}

/** Wire view of a paired device. */
export function deviceView(store: Store, d: DeviceRecord): PairedDeviceView {
  const tokens = store.tokens.forDevice(d.deviceId).map(tokenView);
  return defined({
    deviceId: d.deviceId,
    publicKey: d.publicKey,
    displayName: d.displayName,
    platform: d.platform,
    deviceFamily: d.deviceFamily,
    clientId: d.clientId,
    clientMode: d.clientMode,
    role: d.roles[0],
    roles: d.roles,
    scopes: d.approvedScopes,
    remoteIp: d.remoteIp,
    tokens: tokens.length > 0 ? tokens : undefined,
    createdAtMs: d.createdAtMs,
    approvedAtMs: d.approvedAtMs,
    lastSeenAtMs: d.lastSeenAtMs,
  });
}
