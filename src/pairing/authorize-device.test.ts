import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashToken } from '../auth/tokens.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { Store } from '../store/store.js';
import { LOCAL_OWNER } from './actor.js';
import { PENDING_REQUEST_TTL_MS, USAGE_WRITE_INTERVAL_MS, authorizeDevice, pairingReason, type DeviceConnect, type DeviceDecision, type IssuedToken } from './authorize-device.js';
import { approveRequest, rejectRequest, removeDevice, revokeToken, rotateToken } from './operations.js';
import type { PolicyOptions } from './policy.js';
import { tempStore } from '../../test/helpers/temp-store.js';

// The device-token state machine (DESIGN.md "Pairing and tokens", "Minting"):
// approved -> awaiting delivery (no hash) -> delivered by the next signed connect (hash, unconfirmed)
// -> confirmed by being presented back. Time moves only through the nowMs arguments.

const POLICY: PolicyOptions = { autoApproveRemoteWithToken: false };
const T0 = 1_800_000_000_000;
const DEVICE_ID = 'a1b2c3d4e5f6'.repeat(5) + 'abcd';

/** A signed connect from a remote device without the gateway token, unless overridden. */
function connect(over: Partial<DeviceConnect> = {}): DeviceConnect {
  return {
    deviceId: DEVICE_ID,
    publicKey: 'pubkey-1',
    role: 'operator',
    scopes: ['operator.read'],
    clientId: 'cli',
    clientMode: 'cli',
    platform: 'linux',
    remoteIp: '10.0.0.7',
    locality: 'remote',
    kind: 'other',
    proof: false,
    ...over,
  };
}

function issuedOf(d: DeviceDecision): IssuedToken {
  assert.equal(d.outcome, 'pass');
  assert.ok(d.outcome === 'pass' && d.issued, 'a token was issued');
  return d.issued;
}

/** Ask (pending), approve as the local owner: the role's token now awaits delivery. */
function approved(store: Store, c = connect(), nowMs = T0): void {
  const d = authorizeDevice(store, c, POLICY, nowMs);
  assert.equal(d.outcome, 'pending');
  approveRequest(store, d.outcome === 'pending' ? d.requestId : '', LOCAL_OWNER, nowMs + 1);
}

/** Approved, delivered and presented back once: the token is confirmed. */
function confirmed(store: Store, c = connect()): string {
  approved(store, c);
  const token = issuedOf(authorizeDevice(store, c, POLICY, T0 + 10)).deviceToken;
  const d = authorizeDevice(store, { ...c, presentedToken: token }, POLICY, T0 + 20);
  assert.deepEqual(d, { outcome: 'pass', authMethod: 'device-token' });
  return token;
}

function assertCode(code: string, ...parts: string[]) {
  return (err: unknown) => {
    assert.ok(err instanceof ClawgateError, `expected a ClawgateError, got ${String(err)}`);
    assert.equal(err.code, code);
    for (const part of parts) assert.ok(err.message.includes(part), `message "${err.message}" should contain "${part}"`);
    return true;
  };
}

test('approval leaves the token awaiting delivery: a record with no hash', (t) => {
  const store = tempStore(t);
  approved(store);
  const token = store.tokens.get(DEVICE_ID, 'operator')!;
  assert.equal(token.tokenHash, undefined);
  assert.equal(token.revokedAtMs, undefined);
  assert.equal(token.confirmedAtMs, undefined);
  assert.deepEqual(token.scopes, ['operator.read']);
  assert.deepEqual(store.devices.get(DEVICE_ID)?.roles, ['operator']);
  assert.equal(store.pending.count(T0 + 1), 0, 'the request is resolved');
});

test('the next signed connect (no proof) mints the token, stores only its hash, and returns it once', (t) => {
  const store = tempStore(t);
  approved(store);
  const d = authorizeDevice(store, connect(), POLICY, T0 + 10);
  assert.equal(d.outcome === 'pass' && d.authMethod, 'device-signature');
  const issued = issuedOf(d);
  assert.match(issued.deviceToken, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual([issued.role, issued.scopes, issued.issuedAtMs], ['operator', ['operator.read'], T0 + 10]);
  const rec = store.tokens.get(DEVICE_ID, 'operator')!;
  assert.equal(rec.tokenHash, hashToken(issued.deviceToken));
  assert.equal(rec.confirmedAtMs, undefined, 'delivered, not yet confirmed');
  const minted = store.audit.ofKind('token.minted');
  assert.equal(minted.length, 1);
  assert.deepEqual([minted[0]!.deviceId, minted[0]!.role, minted[0]!.reason], [DEVICE_ID, 'operator', 'delivery']);
});

test('presenting the delivered token confirms it, and later presentations pass without a new token', (t) => {
  const store = tempStore(t);
  approved(store);
  const token = issuedOf(authorizeDevice(store, connect(), POLICY, T0 + 10)).deviceToken;
  assert.deepEqual(authorizeDevice(store, connect({ presentedToken: token }), POLICY, T0 + 20), { outcome: 'pass', authMethod: 'device-token' });
  const rec = store.tokens.get(DEVICE_ID, 'operator')!;
  assert.equal(rec.confirmedAtMs, T0 + 20);
  assert.equal(rec.tokenHash, hashToken(token), 'unchanged');
  assert.deepEqual(authorizeDevice(store, connect({ presentedToken: token }), POLICY, T0 + 30), { outcome: 'pass', authMethod: 'device-token' });
  const soon = store.tokens.get(DEVICE_ID, 'operator')!;
  assert.deepEqual([soon.confirmedAtMs, soon.lastUsedAtMs], [T0 + 20, T0 + 20], 'usage is refreshed at most once per interval');
  const later = T0 + 20 + USAGE_WRITE_INTERVAL_MS;
  assert.deepEqual(authorizeDevice(store, connect({ presentedToken: token }), POLICY, later), { outcome: 'pass', authMethod: 'device-token' });
  const after = store.tokens.get(DEVICE_ID, 'operator')!;
  assert.deepEqual([after.confirmedAtMs, after.lastUsedAtMs], [T0 + 20, later]);
  assert.equal(store.devices.get(DEVICE_ID)?.lastSeenAtMs, later);
  assert.equal(store.audit.ofKind('token.minted').length, 1, 'no churn');
});

test('a token delivered but never presented back is re-delivered to a connect presenting nothing', (t) => {
  const store = tempStore(t);
  approved(store);
  const first = issuedOf(authorizeDevice(store, connect(), POLICY, T0 + 10)).deviceToken;
  // The client died before caching it: it connects again with no token.
  const second = issuedOf(authorizeDevice(store, connect(), POLICY, T0 + 20)).deviceToken;
  assert.notEqual(second, first);
  assert.equal(store.tokens.get(DEVICE_ID, 'operator')!.tokenHash, hashToken(second));
  assert.deepEqual(authorizeDevice(store, connect({ presentedToken: second }), POLICY, T0 + 30), { outcome: 'pass', authMethod: 'device-token' });
});

test('after confirmation, a connect without proof presenting nothing is refused: AUTH_TOKEN_MISSING', (t) => {
  const store = tempStore(t);
  confirmed(store);
  const before = { token: store.tokens.get(DEVICE_ID, 'operator'), device: store.devices.get(DEVICE_ID), audit: store.audit.lastId() };
  assert.throws(() => authorizeDevice(store, connect(), POLICY, T0 + 100), (err: unknown) => {
    assertCode('AUTH_TOKEN_MISSING', 'device token missing', 'connect once with the gateway token', `clawgate devices revoke --device ${DEVICE_ID.slice(0, 12)}`)(err);
    assert.equal((err as ClawgateError).details['authReason'], 'token-missing');
    return true;
  });
  assert.deepEqual({ token: store.tokens.get(DEVICE_ID, 'operator'), device: store.devices.get(DEVICE_ID), audit: store.audit.lastId() }, before, 'a refusal changes nothing (not even last seen)');
});

test('after confirmation, a wrong token without proof is refused: AUTH_DEVICE_TOKEN_MISMATCH', (t) => {
  const store = tempStore(t);
  const token = confirmed(store);
  assert.throws(
    () => authorizeDevice(store, connect({ presentedToken: `${token.slice(0, -1)}x` }), POLICY, T0 + 100),
    assertCode('AUTH_DEVICE_TOKEN_MISMATCH', 'device token mismatch', 'connect once with the gateway token', 'then approve the request this device makes'),
  );
  assert.equal(store.tokens.get(DEVICE_ID, 'operator')!.tokenHash, hashToken(token), 'the good token still stands');
  assert.deepEqual(authorizeDevice(store, connect({ presentedToken: token }), POLICY, T0 + 200), { outcome: 'pass', authMethod: 'device-token' });
});

test('with proof (gateway token), a stale token gets a fresh one minted', (t) => {
  const store = tempStore(t);
  const old = confirmed(store);
  const d = authorizeDevice(store, connect({ proof: true, presentedToken: 'stale-cached-token' }), POLICY, T0 + 100);
  assert.equal(d.outcome === 'pass' && d.authMethod, 'gateway-token');
  const fresh = issuedOf(d).deviceToken;
  assert.notEqual(fresh, old);
  assert.equal(store.tokens.get(DEVICE_ID, 'operator')!.tokenHash, hashToken(fresh));
  assert.equal(store.audit.ofKind('token.minted').at(-1)?.reason, 'stale-cache');
  assert.deepEqual(authorizeDevice(store, connect({ presentedToken: fresh }), POLICY, T0 + 200), { outcome: 'pass', authMethod: 'device-token' });
});

test('with proof and no token presented, the connect passes and nothing is minted', (t) => {
  const store = tempStore(t);
  const token = confirmed(store);
  const minted = store.audit.ofKind('token.minted').length;
  assert.deepEqual(authorizeDevice(store, connect({ proof: true }), POLICY, T0 + 100), { outcome: 'pass', authMethod: 'gateway-token' });
  assert.equal(store.tokens.get(DEVICE_ID, 'operator')!.tokenHash, hashToken(token));
  assert.equal(store.audit.ofKind('token.minted').length, minted);
});

test("an older client's device token in auth.token passes as that token; anything else there is a wrong gateway token, refused before any write", (t) => {
  const store = tempStore(t);
  const token = confirmed(store);
  assert.deepEqual(authorizeDevice(store, connect({ unprovenAuthToken: token }), POLICY, T0 + 100), { outcome: 'pass', authMethod: 'device-token' });
  const before = { token: store.tokens.get(DEVICE_ID, 'operator'), device: store.devices.get(DEVICE_ID), audit: store.audit.lastId() };
  for (const tokens of [{ unprovenAuthToken: 'wrong' }, { unprovenAuthToken: 'wrong', presentedToken: token }, { unprovenAuthToken: token, presentedToken: 'other' }]) {
    assert.throws(() => authorizeDevice(store, connect({ ...tokens, proof: false }), POLICY, T0 + 200), assertCode('AUTH_TOKEN_MISMATCH', 'gateway token mismatch'), JSON.stringify(tokens));
  }
  assert.deepEqual({ token: store.tokens.get(DEVICE_ID, 'operator'), device: store.devices.get(DEVICE_ID), audit: store.audit.lastId() }, before, 'nothing changed');

  // An unknown device with a wrong gateway token leaves no pending request either.
  assert.throws(() => authorizeDevice(store, connect({ deviceId: 'ff'.repeat(32), unprovenAuthToken: 'wrong' }), POLICY, T0 + 300), assertCode('AUTH_TOKEN_MISMATCH'));
  assert.equal(store.pending.count(T0 + 300), 0);
});

test('deviceTokenLocked refuses any presented device token with AUTH_RATE_LIMITED, whichever slot carries it, and nothing else', (t) => {
  const store = tempStore(t);
  const token = confirmed(store);
  const locked = { deviceTokenLocked: true };
  assert.throws(() => authorizeDevice(store, connect({ ...locked, presentedToken: token }), POLICY, T0 + 100), assertCode('AUTH_RATE_LIMITED'));
  assert.throws(() => authorizeDevice(store, connect({ ...locked, unprovenAuthToken: token }), POLICY, T0 + 100), assertCode('AUTH_RATE_LIMITED'));
  // A wrong gateway token is still that (its own limit counts it), not a device-token attempt.
  assert.throws(() => authorizeDevice(store, connect({ ...locked, unprovenAuthToken: 'wrong' }), POLICY, T0 + 100), assertCode('AUTH_TOKEN_MISMATCH'));
  assert.deepEqual(authorizeDevice(store, connect({ ...locked, proof: true }), POLICY, T0 + 100), { outcome: 'pass', authMethod: 'gateway-token' });
});

test('one pending request per device: a repeat keeps the id, unions scopes and roles, and is not "created"', (t) => {
  const store = tempStore(t);
  const first = authorizeDevice(store, connect({ scopes: ['operator.read'] }), POLICY, T0);
  assert.equal(first.outcome, 'pending');
  assert.ok(first.outcome === 'pending');
  assert.deepEqual([first.created, first.reason], [true, 'not-paired']);
  const again = authorizeDevice(store, connect({ scopes: ['operator.write', 'operator.pairing'] }), POLICY, T0 + 1_000);
  assert.deepEqual(again, { outcome: 'pending', requestId: first.requestId, reason: 'not-paired', created: false, cause: { kind: 'not-paired' } });
  const node = authorizeDevice(store, connect({ role: 'node', scopes: [] }), POLICY, T0 + 2_000);
  assert.equal(node.outcome === 'pending' && node.requestId, first.requestId);

  const rows = store.pending.list(T0 + 2_000);
  assert.equal(rows.length, 1);
  const row = rows[0]!;
  assert.deepEqual(row.scopes, ['operator.pairing', 'operator.read', 'operator.write']);
  assert.deepEqual(row.roles, ['node', 'operator']);
  assert.equal(row.role, 'operator', 'the first role asked for stays the request role');
  assert.deepEqual([row.firstSeenAtMs, row.lastSeenAtMs, row.expiresAtMs], [T0, T0 + 2_000, T0 + 2_000 + PENDING_REQUEST_TTL_MS]);
  assert.equal(row.remoteIp, '10.0.0.7');
  assert.equal(store.audit.ofKind('pairing.requested').length, 1, 'audited once');
});

test('a pending request expires PENDING_REQUEST_TTL_MS after the device last asked; the next ask is a new request', (t) => {
  const store = tempStore(t);
  const first = authorizeDevice(store, connect(), POLICY, T0);
  assert.ok(first.outcome === 'pending');
  // Asking again just before expiry keeps it alive for another TTL.
  const kept = authorizeDevice(store, connect(), POLICY, T0 + PENDING_REQUEST_TTL_MS - 1);
  assert.equal(kept.outcome === 'pending' && kept.requestId, first.requestId);
  const lastSeen = T0 + PENDING_REQUEST_TTL_MS - 1;
  assert.ok(store.pending.get(first.requestId, lastSeen + PENDING_REQUEST_TTL_MS - 1), 'alive until the TTL from the last ask');
  assert.equal(store.pending.get(first.requestId, lastSeen + PENDING_REQUEST_TTL_MS), undefined, 'gone at the TTL');

  const next = authorizeDevice(store, connect(), POLICY, lastSeen + PENDING_REQUEST_TTL_MS);
  assert.ok(next.outcome === 'pending');
  assert.notEqual(next.requestId, first.requestId);
  assert.equal(next.created, true);
  const expired = store.audit.ofKind('pairing.expired');
  assert.deepEqual(expired.map((e) => e.requestId), [first.requestId]);
  assert.equal(store.audit.ofKind('pairing.requested').length, 2);
});

test('loopback with the gateway token is auto-approved and gets its token in the same connect', (t) => {
  const store = tempStore(t);
  const d = authorizeDevice(store, connect({ locality: 'loopback-direct', proof: true, remoteIp: undefined, scopes: ['operator.admin'] }), POLICY, T0);
  assert.ok(d.outcome === 'pass');
  assert.equal(d.authMethod, 'gateway-token');
  assert.ok(d.autoApprovedRequestId);
  const issued = issuedOf(d);
  assert.equal(store.tokens.get(DEVICE_ID, 'operator')!.tokenHash, hashToken(issued.deviceToken));
  assert.deepEqual(store.devices.get(DEVICE_ID)?.approvedScopes, ['operator.admin']);
  assert.equal(store.pending.count(T0), 0);
  assert.deepEqual(
    store.audit.after(0).map((e) => e.kind),
    ['pairing.auto-approved', 'token.minted'],
  );
});

test('a remote connect with the gateway token still waits for approval unless opted in', (t) => {
  const store = tempStore(t);
  assert.equal(authorizeDevice(store, connect({ proof: true }), POLICY, T0).outcome, 'pending');
  const optIn = authorizeDevice(store, connect({ proof: true }), { autoApproveRemoteWithToken: true }, T0 + 1);
  assert.equal(optIn.outcome, 'pass');
  assert.equal(store.pending.count(T0 + 1), 0);
});

test('a browser asking for a role its device does not hold is refused outright, leaving no request', (t) => {
  const store = tempStore(t);
  confirmed(store, connect({ role: 'node', scopes: [] }));
  assert.throws(() => authorizeDevice(store, connect({ kind: 'browser' }), POLICY, T0 + 100), assertCode('PAIRING_REFUSED', 'role-upgrade'));
  assert.equal(store.pending.count(T0 + 100), 0);
});

test('pairingReason: key, metadata, role and scope checks in the reference order', () => {
  const rec = {
    deviceId: DEVICE_ID,
    publicKey: 'pubkey-1',
    platform: 'Linux',
    roles: ['operator'],
    approvedScopes: ['operator.write'],
    createdAtMs: 1,
    approvedAtMs: 1,
  };
  assert.equal(pairingReason(undefined, connect()), 'not-paired');
  assert.equal(pairingReason(rec, connect({ publicKey: 'other-key' })), 'not-paired');
  assert.equal(pairingReason(rec, connect({ platform: 'darwin' })), 'metadata-upgrade');
  assert.equal(pairingReason(rec, connect({ platform: ' LINUX ' })), 'none', 'platform compares trimmed, case-insensitively');
  assert.equal(pairingReason(rec, connect({ role: 'node', scopes: [] })), 'role-upgrade');
  assert.equal(pairingReason(rec, connect({ scopes: ['operator.read'] })), 'none', 'write implies read');
  assert.equal(pairingReason(rec, connect({ scopes: ['operator.admin'] })), 'scope-upgrade');
});

// ---- Records, audit rows and refusals, field by field ----

const OTHER_ID = 'f0e1d2c3b4a5'.repeat(5) + 'dcba';

/** The audit rows of one kind, without their ids. */
function auditOf(store: Store, kind: Parameters<Store['audit']['ofKind']>[0]) {
  return store.audit.ofKind(kind).map(({ id: _id, ...rest }) => rest);
}

function pendingOf(d: DeviceDecision) {
  assert.equal(d.outcome, 'pending', JSON.stringify(d));
  return d as Extract<DeviceDecision, { outcome: 'pending' }>;
}

/** The error a refused connect throws, after checking its code. */
function refusal(fn: () => unknown, code: string): ClawgateError {
  try {
    fn();
  } catch (err) {
    assertCode(code)(err);
    return err as ClawgateError;
  }
  assert.fail(`expected ${code}`);
}

test('a pending request lives 15 minutes from the last ask', (t) => {
  const store = tempStore(t);
  const { requestId } = pendingOf(authorizeDevice(store, connect(), POLICY, T0));
  assert.equal(store.pending.get(requestId, T0 + 15 * 60_000 - 1)?.requestId, requestId);
  assert.equal(store.pending.get(requestId, T0 + 15 * 60_000), undefined);
});

test('pairingReason: device family is pinned like platform; a side that names nothing matches any pin', () => {
  const rec = { deviceId: DEVICE_ID, publicKey: 'pubkey-1', platform: 'Linux', deviceFamily: 'Laptop', roles: ['operator'], approvedScopes: ['operator.read'], createdAtMs: 1, approvedAtMs: 1 };
  assert.equal(pairingReason(rec, connect({ deviceFamily: 'phone' })), 'metadata-upgrade');
  assert.equal(pairingReason(rec, connect({ platform: undefined, deviceFamily: 'phone' })), 'metadata-upgrade', 'a family change alone is an upgrade');
  assert.equal(pairingReason(rec, connect({ platform: 'darwin', deviceFamily: undefined })), 'metadata-upgrade', 'a platform change alone is an upgrade');
  assert.equal(pairingReason(rec, connect({ deviceFamily: ' LAPTOP ' })), 'none', 'family compares trimmed, case-insensitively');
  assert.equal(pairingReason(rec, connect({ platform: undefined, deviceFamily: undefined })), 'none', 'a connect naming no metadata');
  assert.equal(pairingReason(rec, connect({ platform: '  ', deviceFamily: '' })), 'none', 'blank metadata names nothing');
  const unpinned = { ...rec, platform: undefined, deviceFamily: undefined };
  assert.equal(pairingReason(unpinned, connect({ platform: 'darwin', deviceFamily: 'phone' })), 'none', 'a record that pins nothing');
});

test("pairingReason: a node's scopes are matched literally, without the operator lattice", () => {
  const rec = { deviceId: DEVICE_ID, publicKey: 'pubkey-1', roles: ['operator', 'node'], approvedScopes: ['operator.admin', 'camera.snap'], createdAtMs: 1, approvedAtMs: 1 };
  assert.equal(pairingReason(rec, connect({ role: 'node', scopes: ['camera.snap'] })), 'none');
  assert.equal(pairingReason(rec, connect({ role: 'node', scopes: ['operator.read'] })), 'scope-upgrade', 'admin implies read only for an operator');
  assert.equal(pairingReason(rec, connect({ role: 'node', scopes: ['camera.snap', 'camera.record'] })), 'scope-upgrade', 'every scope must be approved');
  assert.equal(pairingReason(rec, connect({ scopes: ['operator.read', 'operator.pairing'] })), 'none', 'an operator gets the lattice');
});

test('the pending request records what the device said; a repeat that says less keeps it, one that says more replaces it', (t) => {
  const store = tempStore(t);
  const first = pendingOf(authorizeDevice(store, connect({ displayName: 'Work laptop', deviceFamily: 'desktop' }), POLICY, T0));
  assert.deepEqual(store.pending.get(first.requestId, T0), {
    requestId: first.requestId,
    deviceId: DEVICE_ID,
    publicKey: 'pubkey-1',
    displayName: 'Work laptop',
    platform: 'linux',
    deviceFamily: 'desktop',
    clientId: 'cli',
    clientMode: 'cli',
    role: 'operator',
    roles: ['operator'],
    scopes: ['operator.read'],
    reason: 'not-paired',
    remoteIp: '10.0.0.7',
    isRepair: false,
    firstSeenAtMs: T0,
    lastSeenAtMs: T0,
    expiresAtMs: T0 + 15 * 60_000,
  });
  assert.deepEqual(auditOf(store, 'pairing.requested'), [
    { tsMs: T0, kind: 'pairing.requested', deviceId: DEVICE_ID, requestId: first.requestId, role: 'operator', actor: 'gateway', reason: 'not-paired', detail: { scopes: ['operator.read'], locality: 'remote' } },
  ]);

  authorizeDevice(store, connect({ platform: undefined, remoteIp: undefined, clientId: 'cli-2', clientMode: 'ui' }), POLICY, T0 + 5);
  const kept = store.pending.get(first.requestId, T0 + 5)!;
  assert.deepEqual([kept.displayName, kept.platform, kept.deviceFamily, kept.remoteIp], ['Work laptop', 'linux', 'desktop', '10.0.0.7']);
  assert.deepEqual([kept.clientId, kept.clientMode, kept.lastSeenAtMs], ['cli-2', 'ui', T0 + 5], 'the client as it last connected');

  authorizeDevice(store, connect({ displayName: 'Laptop 2', platform: 'darwin', deviceFamily: 'tablet', remoteIp: '10.0.0.8' }), POLICY, T0 + 6);
  const replaced = store.pending.get(first.requestId, T0 + 6)!;
  assert.deepEqual([replaced.displayName, replaced.platform, replaced.deviceFamily, replaced.remoteIp], ['Laptop 2', 'darwin', 'tablet', '10.0.0.8']);
});

test('an upgrade request of a paired device is a repair; it keeps the reason it was first asked for, and says why it waits', (t) => {
  const store = tempStore(t);
  confirmed(store);
  const scope = pendingOf(authorizeDevice(store, connect({ scopes: ['operator.admin'] }), POLICY, T0 + 100));
  assert.deepEqual(scope, { outcome: 'pending', requestId: scope.requestId, reason: 'scope-upgrade', created: true, cause: { kind: 'scope-upgrade', missing: ['operator.admin'], approved: ['operator.read'] } });
  const role = pendingOf(authorizeDevice(store, connect({ role: 'node', scopes: [] }), POLICY, T0 + 200));
  assert.deepEqual(role, { outcome: 'pending', requestId: scope.requestId, reason: 'role-upgrade', created: false, cause: { kind: 'role-upgrade', role: 'node', roles: ['operator'] } });
  const row = store.pending.get(scope.requestId, T0 + 200)!;
  assert.deepEqual([row.isRepair, row.reason, row.role, row.roles, row.scopes], [true, 'scope-upgrade', 'operator', ['node', 'operator'], ['operator.admin']]);
});

test('a changed platform waits as a metadata upgrade naming the pinned and the claimed metadata', (t) => {
  const store = tempStore(t);
  confirmed(store, connect({ deviceFamily: 'desktop' }));
  const d = pendingOf(authorizeDevice(store, connect({ platform: 'darwin', deviceFamily: undefined }), POLICY, T0 + 100));
  assert.deepEqual([d.reason, d.cause], ['metadata-upgrade', { kind: 'metadata-upgrade', pinned: 'platform "linux", family "desktop"', claimed: 'platform "darwin", family ""' }]);
});

test('a device whose record holds another key waits as not paired', (t) => {
  const store = tempStore(t);
  confirmed(store);
  const d = pendingOf(authorizeDevice(store, connect({ publicKey: 'pubkey-2' }), POLICY, T0 + 100));
  assert.deepEqual([d.reason, d.cause], ['not-paired', { kind: 'not-paired' }]);
});

test('a role approved with the request but not asked for first gets its token on its first connect: no scopes for a node, nothing retired', (t) => {
  const store = tempStore(t);
  const asked = pendingOf(authorizeDevice(store, connect({ scopes: ['operator.admin'] }), POLICY, T0));
  authorizeDevice(store, connect({ role: 'node', scopes: [] }), POLICY, T0 + 1);
  approveRequest(store, asked.requestId, LOCAL_OWNER, T0 + 2);
  assert.equal(store.tokens.get(DEVICE_ID, 'node'), undefined, 'only the request role has a token awaiting delivery');

  const d = authorizeDevice(store, connect({ role: 'node', scopes: [] }), POLICY, T0 + 10);
  assert.equal(d.outcome === 'pass' && d.authMethod, 'device-signature');
  const issued = issuedOf(d);
  assert.deepEqual([issued.role, issued.scopes, issued.issuedAtMs], ['node', [], T0 + 10]);
  assert.deepEqual(store.tokens.get(DEVICE_ID, 'node'), {
    deviceId: DEVICE_ID,
    role: 'node',
    tokenHash: hashToken(issued.deviceToken),
    scopes: [],
    createdAtMs: T0 + 10,
    rotatedAtMs: undefined,
    revokedAtMs: undefined,
    confirmedAtMs: undefined,
    lastUsedAtMs: T0 + 10,
    needsProof: undefined,
  });
  assert.deepEqual(auditOf(store, 'token.minted'), [{ tsMs: T0 + 10, kind: 'token.minted', deviceId: DEVICE_ID, requestId: undefined, role: 'node', actor: 'gateway', reason: 'first-connect', detail: undefined }]);
  assert.deepEqual(store.retiredTokens.forDevice(DEVICE_ID, T0 + 10), []);

  // The node's scopes are its own: the device's operator.admin does not cover a node asking operator.read.
  const upgrade = pendingOf(authorizeDevice(store, connect({ role: 'node', scopes: ['operator.read'] }), POLICY, T0 + 20));
  assert.deepEqual(upgrade.cause, { kind: 'scope-upgrade', missing: ['operator.read'], approved: ['operator.admin'] });
});

test('with the gateway token, a role with no token yet gets its first one, named as a gateway-token connect', (t) => {
  const store = tempStore(t);
  const asked = pendingOf(authorizeDevice(store, connect(), POLICY, T0));
  authorizeDevice(store, connect({ role: 'node', scopes: [] }), POLICY, T0 + 1);
  approveRequest(store, asked.requestId, LOCAL_OWNER, T0 + 2);
  const d = authorizeDevice(store, connect({ role: 'node', scopes: [], proof: true }), POLICY, T0 + 10);
  assert.equal(d.outcome === 'pass' && d.authMethod, 'gateway-token');
  assert.equal(issuedOf(d).role, 'node');
  assert.equal(store.audit.ofKind('token.minted').at(-1)?.reason, 'first-connect');
});

test('re-delivery retires the undelivered-back token as rotated by the gateway, keeping the record created at approval', (t) => {
  const store = tempStore(t);
  approved(store);
  const first = issuedOf(authorizeDevice(store, connect(), POLICY, T0 + 10)).deviceToken;
  const second = issuedOf(authorizeDevice(store, connect(), POLICY, T0 + 20)).deviceToken;
  const rec = store.tokens.get(DEVICE_ID, 'operator')!;
  assert.deepEqual([rec.tokenHash, rec.createdAtMs, rec.rotatedAtMs, rec.lastUsedAtMs, rec.needsProof], [hashToken(second), T0 + 1, T0 + 20, T0 + 20, undefined]);
  assert.deepEqual(store.retiredTokens.forDevice(DEVICE_ID, T0 + 20), [
    { deviceId: DEVICE_ID, role: 'operator', tokenHash: hashToken(first), why: 'rotated', retiredAtMs: T0 + 20, actor: 'gateway' },
  ]);
});

test('a token awaiting delivery is delivered to a connect with the gateway token too, as a gateway-token connect', (t) => {
  const store = tempStore(t);
  approved(store);
  const d = authorizeDevice(store, connect({ proof: true }), POLICY, T0 + 20);
  assert.equal(d.outcome === 'pass' && d.authMethod, 'gateway-token');
  assert.equal(store.tokens.get(DEVICE_ID, 'operator')!.tokenHash, hashToken(issuedOf(d).deviceToken));
  assert.equal(store.audit.ofKind('token.minted').at(-1)?.reason, 'delivery');
});

test('a token minted against the gateway token is never handed to a signed connect alone; the old token then waits as rotated', (t) => {
  const store = tempStore(t);
  const old = confirmed(store);
  const fresh = issuedOf(authorizeDevice(store, connect({ proof: true, presentedToken: 'stale-cached-token' }), POLICY, T0 + 100)).deviceToken;
  assert.equal(store.tokens.get(DEVICE_ID, 'operator')!.needsProof, true);
  assert.throws(() => authorizeDevice(store, connect(), POLICY, T0 + 110), assertCode('AUTH_TOKEN_MISSING'));

  const waits = pendingOf(authorizeDevice(store, connect({ presentedToken: old }), POLICY, T0 + 120));
  assert.deepEqual([waits.reason, waits.created, waits.cause], ['token-rotated', true, { kind: 'token-retired', role: 'operator', why: 'rotated', retiredAtMs: T0 + 100 }]);
  const again = pendingOf(authorizeDevice(store, connect({ presentedToken: old }), POLICY, T0 + 130));
  assert.deepEqual([again.requestId, again.created], [waits.requestId, false], 'one stable request');

  // With the gateway token the old token is replaced, named by its retirement.
  const replaced = authorizeDevice(store, connect({ proof: true, presentedToken: old }), POLICY, T0 + 140);
  assert.equal(replaced.outcome === 'pass' && replaced.authMethod, 'gateway-token');
  assert.notEqual(issuedOf(replaced).deviceToken, fresh);
  assert.equal(store.audit.ofKind('token.minted').at(-1)?.reason, 'replaces-rotated');
});

test('a revoked token waits for approval without proof, named revoked with its time, whether the device presents it or nothing', (t) => {
  const store = tempStore(t);
  const token = confirmed(store);
  revokeToken(store, { deviceId: DEVICE_ID, role: 'operator' }, LOCAL_OWNER, T0 + 50);
  const bare = pendingOf(authorizeDevice(store, connect(), POLICY, T0 + 100));
  assert.deepEqual(bare, { outcome: 'pending', requestId: bare.requestId, reason: 'token-revoked', created: true, cause: { kind: 'token-retired', role: 'operator', why: 'revoked', retiredAtMs: T0 + 50 } });
  const presented = pendingOf(authorizeDevice(store, connect({ presentedToken: token }), POLICY, T0 + 110));
  assert.deepEqual(presented, { outcome: 'pending', requestId: bare.requestId, reason: 'token-revoked', created: false, cause: { kind: 'token-retired', role: 'operator', why: 'revoked', retiredAtMs: T0 + 50 } });
  assert.equal(store.pending.get(bare.requestId, T0 + 110)?.reason, 'token-revoked');
});

test("a token an admin rotated for another device waits as rotated at the rotation's time", (t) => {
  const store = tempStore(t);
  confirmed(store);
  rotateToken(store, { deviceId: DEVICE_ID, role: 'operator' }, LOCAL_OWNER, T0 + 50);
  const d = pendingOf(authorizeDevice(store, connect(), POLICY, T0 + 100));
  assert.deepEqual([d.reason, d.cause], ['token-rotated', { kind: 'token-retired', role: 'operator', why: 'rotated', retiredAtMs: T0 + 50 }]);
});

test('a paired device asking an upgrade with a retired token is told about the token first', (t) => {
  const store = tempStore(t);
  const token = confirmed(store);
  revokeToken(store, { deviceId: DEVICE_ID, role: 'operator' }, LOCAL_OWNER, T0 + 50);
  const d = pendingOf(authorizeDevice(store, connect({ scopes: ['operator.admin'], presentedToken: token }), POLICY, T0 + 100));
  assert.deepEqual([d.reason, d.cause], ['scope-upgrade', { kind: 'token-retired', role: 'operator', why: 'revoked', retiredAtMs: T0 + 50 }]);
});

test('refusals carry exact messages and details', (t) => {
  const store = tempStore(t);
  const token = confirmed(store);
  const short = DEVICE_ID.slice(0, 12);
  const fix = `connect once with the gateway token to get a fresh one, or on the gateway host run clawgate devices revoke --device ${short} --role operator, then approve the request this device makes on its next connect`;

  const missing = refusal(() => authorizeDevice(store, connect(), POLICY, T0 + 100), 'AUTH_TOKEN_MISSING');
  assert.equal(missing.message, `unauthorized: device token missing (device ${short} is paired but sent no token); ${fix}`);
  assert.deepEqual(missing.details, { authReason: 'token-missing', deviceId: DEVICE_ID });

  const mismatch = refusal(() => authorizeDevice(store, connect({ presentedToken: 'never-issued' }), POLICY, T0 + 100), 'AUTH_DEVICE_TOKEN_MISMATCH');
  assert.equal(
    mismatch.message,
    `unauthorized: device token mismatch (rotate/reissue device token); the presented token is not one this gateway issued to device ${short} (or it was retired too long ago to be remembered); ${fix}`,
  );
  assert.deepEqual(mismatch.details, { authReason: 'token-mismatch', deviceId: DEVICE_ID });

  const gateway = refusal(() => authorizeDevice(store, connect({ unprovenAuthToken: 'wrong' }), POLICY, T0 + 100), 'AUTH_TOKEN_MISMATCH');
  assert.equal(gateway.message, 'unauthorized: gateway token mismatch');
  assert.deepEqual(gateway.details, { authReason: 'token_mismatch' });

  const limited = refusal(() => authorizeDevice(store, connect({ presentedToken: token, deviceTokenLocked: true }), POLICY, T0 + 100), 'AUTH_RATE_LIMITED');
  assert.equal(limited.message, 'unauthorized: too many failed authentication attempts');
  assert.deepEqual(limited.details, { scope: 'device-token' });

  const browser = refusal(() => authorizeDevice(store, connect({ role: 'node', scopes: [], kind: 'browser' }), POLICY, T0 + 100), 'PAIRING_REFUSED');
  assert.equal(browser.message, 'pairing refused (role-upgrade): a browser page cannot take role "node"');
  assert.deepEqual(browser.details, { reason: 'role-upgrade' });
});

test('a browser page with a new device key may ask for operator, never for node, even on loopback with the gateway token', (t) => {
  const store = tempStore(t);
  const local = { locality: 'loopback-direct' as const, proof: true, remoteIp: undefined };
  const node = refusal(() => authorizeDevice(store, connect({ ...local, role: 'node', scopes: [], kind: 'browser' }), POLICY, T0), 'PAIRING_REFUSED');
  assert.equal(node.message, 'pairing refused (not-paired): a browser page cannot take role "node"');
  assert.deepEqual(node.details, { reason: 'not-paired' });
  assert.equal(store.pending.count(T0), 0);
  assert.equal(authorizeDevice(store, connect({ ...local, kind: 'browser' }), POLICY, T0 + 1).outcome, 'pass');
  assert.equal(authorizeDevice(store, connect({ ...local, deviceId: OTHER_ID, publicKey: 'pubkey-2', role: 'node', scopes: [] }), POLICY, T0 + 2).outcome, 'pass', 'a non-browser client may become a node');
});

test('auto-approval is audited with its scopes and locality, mints as "approved" and records the device as seen', (t) => {
  const store = tempStore(t);
  const d = authorizeDevice(store, connect({ proof: true }), { autoApproveRemoteWithToken: true }, T0);
  assert.ok(d.outcome === 'pass' && d.autoApprovedRequestId);
  assert.equal(d.authMethod, 'gateway-token');
  assert.deepEqual(auditOf(store, 'pairing.auto-approved'), [
    { tsMs: T0, kind: 'pairing.auto-approved', deviceId: DEVICE_ID, requestId: d.autoApprovedRequestId, role: 'operator', actor: 'gateway', reason: 'not-paired', detail: { scopes: ['operator.read'], locality: 'remote' } },
  ]);
  assert.deepEqual(auditOf(store, 'token.minted').map((e) => [e.tsMs, e.role, e.actor, e.reason]), [[T0, 'operator', 'gateway', 'approved']]);
  const device = store.devices.get(DEVICE_ID)!;
  assert.deepEqual([device.lastSeenAtMs, device.remoteIp], [T0, '10.0.0.7']);
});

test('last seen is written at most once a minute from the same address; a new address is written at once', (t) => {
  const store = tempStore(t);
  const token = confirmed(store);
  const seen = () => {
    const d = store.devices.get(DEVICE_ID)!;
    return [d.lastSeenAtMs, d.remoteIp];
  };
  // Seen at the delivery (T0 + 10); the confirming connect 10 ms later was within the minute.
  assert.deepEqual(seen(), [T0 + 10, '10.0.0.7']);
  authorizeDevice(store, connect({ presentedToken: token }), POLICY, T0 + 30);
  assert.deepEqual(seen(), [T0 + 10, '10.0.0.7'], 'same address, within the minute');
  authorizeDevice(store, connect({ presentedToken: token, remoteIp: undefined }), POLICY, T0 + 40);
  assert.deepEqual(seen(), [T0 + 10, '10.0.0.7'], 'a connect with no address keeps the known one');
  authorizeDevice(store, connect({ presentedToken: token, remoteIp: '10.0.0.8' }), POLICY, T0 + 50);
  assert.deepEqual(seen(), [T0 + 50, '10.0.0.8'], 'a new address');
  authorizeDevice(store, connect({ presentedToken: token, remoteIp: '10.0.0.8' }), POLICY, T0 + 50 + 60_000);
  assert.deepEqual(seen(), [T0 + 50 + 60_000, '10.0.0.8'], 'a minute later');
});

test('token use is written at most once a minute', (t) => {
  const store = tempStore(t);
  const token = confirmed(store);
  authorizeDevice(store, connect({ presentedToken: token }), POLICY, T0 + 20 + 60_000 - 1);
  assert.equal(store.tokens.get(DEVICE_ID, 'operator')!.lastUsedAtMs, T0 + 20);
  authorizeDevice(store, connect({ presentedToken: token }), POLICY, T0 + 20 + 60_000);
  assert.equal(store.tokens.get(DEVICE_ID, 'operator')!.lastUsedAtMs, T0 + 20 + 60_000);
});

// ---- Expiry ----

test('a request that expired is named when the device asks again: the new request says which one and when', (t) => {
  const store = tempStore(t);
  const first = pendingOf(authorizeDevice(store, connect(), POLICY, T0));
  const expiredAt = T0 + PENDING_REQUEST_TTL_MS;
  const next = pendingOf(authorizeDevice(store, connect(), POLICY, expiredAt));
  assert.deepEqual(next.cause, { kind: 'request-expired', expiredRequestId: first.requestId, expiredAtMs: expiredAt });
  const repeat = pendingOf(authorizeDevice(store, connect(), POLICY, expiredAt + 1));
  assert.deepEqual(repeat.cause, { kind: 'not-paired' }, 'only the request that replaced it says so');
});

test("an expired request not yet pruned is retired by the device's next ask, audited once, and leaves no stale row", (t) => {
  const store = tempStore(t);
  const first = pendingOf(authorizeDevice(store, connect(), POLICY, T0));
  const expiredAt = T0 + PENDING_REQUEST_TTL_MS;
  // Another device's connect prunes just before the expiry; pruning then skips for a second.
  authorizeDevice(store, connect({ deviceId: OTHER_ID, publicKey: 'pubkey-2' }), POLICY, expiredAt - 500);
  const next = pendingOf(authorizeDevice(store, connect(), POLICY, expiredAt + 100));
  assert.notEqual(next.requestId, first.requestId);
  assert.deepEqual(next.cause, { kind: 'request-expired', expiredRequestId: first.requestId, expiredAtMs: expiredAt + 100 });
  assert.deepEqual(auditOf(store, 'pairing.expired'), [{ tsMs: expiredAt + 100, kind: 'pairing.expired', deviceId: DEVICE_ID, requestId: first.requestId, role: 'operator', actor: 'gateway', reason: undefined, detail: undefined }]);
  const rows = store.db.prepare('SELECT request_id FROM pending_requests WHERE device_id = ?').all(DEVICE_ID) as { request_id: string }[];
  assert.deepEqual(rows.map((r) => r.request_id), [next.requestId]);
});

test("any device's connect prunes the expired requests of others, auditing each", (t) => {
  const store = tempStore(t);
  const first = pendingOf(authorizeDevice(store, connect(), POLICY, T0));
  const later = T0 + PENDING_REQUEST_TTL_MS + 5_000;
  authorizeDevice(store, connect({ deviceId: OTHER_ID, publicKey: 'pubkey-2' }), POLICY, later);
  assert.deepEqual(auditOf(store, 'pairing.expired').map((e) => [e.tsMs, e.deviceId, e.requestId]), [[later, DEVICE_ID, first.requestId]]);
});

test('an expired upgrade request is named too', (t) => {
  const store = tempStore(t);
  confirmed(store);
  const first = pendingOf(authorizeDevice(store, connect({ scopes: ['operator.admin'] }), POLICY, T0 + 100));
  const next = pendingOf(authorizeDevice(store, connect({ scopes: ['operator.admin'] }), POLICY, T0 + 100 + PENDING_REQUEST_TTL_MS));
  assert.deepEqual(next.cause, { kind: 'request-expired', expiredRequestId: first.requestId, expiredAtMs: T0 + 100 + PENDING_REQUEST_TTL_MS });
});

test('an expiry does not hide a retired token: the device is still told its token was revoked', (t) => {
  const store = tempStore(t);
  confirmed(store);
  revokeToken(store, { deviceId: DEVICE_ID, role: 'operator' }, LOCAL_OWNER, T0 + 50);
  pendingOf(authorizeDevice(store, connect(), POLICY, T0 + 100));
  const next = pendingOf(authorizeDevice(store, connect(), POLICY, T0 + 100 + PENDING_REQUEST_TTL_MS));
  assert.deepEqual([next.created, next.cause], [true, { kind: 'token-retired', role: 'operator', why: 'revoked', retiredAtMs: T0 + 50 }]);
});

test('an expiry before an auto-approval is not named by a later request', (t) => {
  const store = tempStore(t);
  pendingOf(authorizeDevice(store, connect(), POLICY, T0));
  const local = { locality: 'loopback-direct' as const, proof: true, remoteIp: undefined };
  assert.equal(authorizeDevice(store, connect(local), POLICY, T0 + PENDING_REQUEST_TTL_MS + 5_000).outcome, 'pass');
  const upgrade = pendingOf(authorizeDevice(store, connect({ scopes: ['operator.admin'] }), POLICY, T0 + PENDING_REQUEST_TTL_MS + 10_000));
  assert.equal(upgrade.cause.kind, 'scope-upgrade');
});

test('an expiry is named only while it ended the last request: not after a newer request was removed with its device', (t) => {
  const store = tempStore(t);
  confirmed(store);
  pendingOf(authorizeDevice(store, connect({ scopes: ['operator.admin'] }), POLICY, T0 + 100));
  const second = pendingOf(authorizeDevice(store, connect({ scopes: ['operator.admin'] }), POLICY, T0 + 100 + PENDING_REQUEST_TTL_MS));
  assert.equal(second.cause.kind, 'request-expired');
  removeDevice(store, DEVICE_ID, LOCAL_OWNER, T0 + 200 + PENDING_REQUEST_TTL_MS);
  // Long after the removal is forgotten (retired rows live 90 days), the device is simply not paired.
  const much = T0 + 200 + PENDING_REQUEST_TTL_MS + 91 * 24 * 60 * 60_000;
  assert.deepEqual(pendingOf(authorizeDevice(store, connect(), POLICY, much)).cause, { kind: 'not-paired' });
});

// ---- Removed devices and new keys ----

test('a removed device waits, named removed at the time of its removal, whether it presents its old token or not', (t) => {
  const store = tempStore(t);
  const old = confirmed(store);
  // A gateway-token re-mint first: the device's retired rows then hold a rotation older than the removal.
  const fresh = issuedOf(authorizeDevice(store, connect({ proof: true, presentedToken: 'stale-cached-token' }), POLICY, T0 + 30)).deviceToken;
  removeDevice(store, DEVICE_ID, LOCAL_OWNER, T0 + 50);
  for (const presentedToken of [undefined, old, fresh]) {
    const d = pendingOf(authorizeDevice(store, connect({ presentedToken }), POLICY, T0 + 100));
    assert.deepEqual([d.reason, d.cause], ['not-paired', { kind: 'device-removed', removedAtMs: T0 + 50 }], String(presentedToken));
  }
});

test('a new key for a paired client is named as a key change: same client id and display name, platforms that do not differ', (t) => {
  const store = tempStore(t);
  confirmed(store, connect({ displayName: 'Work laptop' }));
  const newKey = (over: Partial<DeviceConnect> = {}) => pendingOf(authorizeDevice(store, connect({ deviceId: OTHER_ID, publicKey: 'pubkey-2', displayName: 'Work laptop', ...over }), POLICY, T0 + 100)).cause;
  const keyChanged = { kind: 'key-changed', knownDeviceId: DEVICE_ID, displayName: 'Work laptop' };
  assert.deepEqual(newKey(), keyChanged);
  assert.deepEqual(newKey({ platform: ' LINUX ' }), keyChanged, 'platform compares trimmed, case-insensitively');
  assert.deepEqual(newKey({ platform: undefined }), keyChanged, 'a connect naming no platform');
  assert.deepEqual(newKey({ platform: 'darwin' }), { kind: 'not-paired' }, 'another platform is another client');
  assert.deepEqual(newKey({ displayName: 'Home laptop' }), { kind: 'not-paired' });
  assert.deepEqual(newKey({ clientId: 'ui' }), { kind: 'not-paired' });
  assert.deepEqual(newKey({ displayName: undefined }), { kind: 'not-paired' }, 'without a name nothing links the two');
  assert.deepEqual(newKey({ publicKey: 'pubkey-1' }), { kind: 'not-paired' }, 'the same key is no key change');
});

test('a paired record that pins no platform links a new key by client id and name alone', (t) => {
  const store = tempStore(t);
  confirmed(store, connect({ displayName: 'Work laptop', platform: undefined }));
  const d = pendingOf(authorizeDevice(store, connect({ deviceId: OTHER_ID, publicKey: 'pubkey-2', displayName: 'Work laptop' }), POLICY, T0 + 100));
  assert.deepEqual(d.cause, { kind: 'key-changed', knownDeviceId: DEVICE_ID, displayName: 'Work laptop' });
});

test('a nameless client with a new key is not linked to a nameless paired record', (t) => {
  const store = tempStore(t);
  confirmed(store);
  const d = pendingOf(authorizeDevice(store, connect({ deviceId: OTHER_ID, publicKey: 'pubkey-2' }), POLICY, T0 + 100));
  assert.deepEqual(d.cause, { kind: 'not-paired' });
});

test("auto-approval retires the device's expired request not yet pruned, so a later request does not name it as expired", (t) => {
  const store = tempStore(t);
  const first = pendingOf(authorizeDevice(store, connect(), POLICY, T0));
  const expiredAt = T0 + PENDING_REQUEST_TTL_MS;
  // Another device's connect prunes just before the expiry; pruning then skips for a second.
  authorizeDevice(store, connect({ deviceId: OTHER_ID, publicKey: 'pubkey-2' }), POLICY, expiredAt - 500);
  const local = { locality: 'loopback-direct' as const, proof: true, remoteIp: undefined };
  assert.equal(authorizeDevice(store, connect(local), POLICY, expiredAt + 100).outcome, 'pass');
  assert.deepEqual(auditOf(store, 'pairing.expired').map((e) => [e.tsMs, e.requestId]), [[expiredAt + 100, first.requestId]], 'its expiry is audited before the approval');
  // A later connect's pruning finds nothing of this device; its next request is an upgrade, not an expiry.
  authorizeDevice(store, connect({ deviceId: OTHER_ID, publicKey: 'pubkey-2' }), POLICY, expiredAt + 5_000);
  const upgrade = pendingOf(authorizeDevice(store, connect({ scopes: ['operator.admin'] }), POLICY, expiredAt + 6_000));
  assert.deepEqual(upgrade.cause, { kind: 'scope-upgrade', missing: ['operator.admin'], approved: ['operator.read'] });
});

test('a removed device paired again is no longer "removed": its upgrade request names the upgrade', (t) => {
  const store = tempStore(t);
  confirmed(store);
  removeDevice(store, DEVICE_ID, LOCAL_OWNER, T0 + 50);
  const again = pendingOf(authorizeDevice(store, connect(), POLICY, T0 + 100));
  approveRequest(store, again.requestId, LOCAL_OWNER, T0 + 110);
  const upgrade = pendingOf(authorizeDevice(store, connect({ scopes: ['operator.admin'] }), POLICY, T0 + 200));
  assert.deepEqual(upgrade.cause, { kind: 'scope-upgrade', missing: ['operator.admin'], approved: ['operator.read'] });
});

test('a scope upgrade names only what is missing: the operator lattice for an operator, literal scopes for a node', (t) => {
  const store = tempStore(t);
  const asked = pendingOf(authorizeDevice(store, connect({ scopes: ['operator.write', 'camera.snap'] }), POLICY, T0));
  authorizeDevice(store, connect({ role: 'node', scopes: [] }), POLICY, T0 + 1);
  approveRequest(store, asked.requestId, LOCAL_OWNER, T0 + 2);
  const operator = pendingOf(authorizeDevice(store, connect({ scopes: ['operator.read', 'operator.admin'] }), POLICY, T0 + 10));
  assert.deepEqual(operator.cause, { kind: 'scope-upgrade', missing: ['operator.admin'], approved: ['camera.snap', 'operator.write'] }, 'write implies read');
  rejectRequest(store, operator.requestId, LOCAL_OWNER, T0 + 11);
  const node = pendingOf(authorizeDevice(store, connect({ role: 'node', scopes: ['camera.snap', 'operator.read'] }), POLICY, T0 + 20));
  assert.deepEqual(node.cause, { kind: 'scope-upgrade', missing: ['operator.read'], approved: ['camera.snap', 'operator.write'] });
});

test('a metadata upgrade shows a platform nobody named as empty', (t) => {
  const store = tempStore(t);
  confirmed(store, connect({ deviceFamily: 'desktop' }));
  const d = pendingOf(authorizeDevice(store, connect({ platform: undefined, deviceFamily: 'tablet' }), POLICY, T0 + 100));
  assert.deepEqual(d.cause, { kind: 'metadata-upgrade', pinned: 'platform "linux", family "desktop"', claimed: 'platform "", family "tablet"' });
});
