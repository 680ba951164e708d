import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashToken } from '../auth/tokens.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { Store } from '../store/store.js';
import { LOCAL_OWNER } from './actor.js';
import { PENDING_REQUEST_TTL_MS, USAGE_WRITE_INTERVAL_MS, authorizeDevice, pairingReason, type DeviceConnect, type DeviceDecision, type IssuedToken } from './authorize-device.js';
import { approveRequest } from './operations.js';
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
