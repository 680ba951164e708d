import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashToken } from '../auth/tokens.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import type { PendingRecord } from '../store/pending-requests.js';
import { Store } from '../store/store.js';
import { LOCAL_OWNER, type Actor } from './actor.js';
import { PENDING_REQUEST_TTL_MS, authorizeDevice, type DeviceConnect } from './authorize-device.js';
import { approveRequest, listPairing, rejectRequest, removeDevice, revokeToken, rotateToken } from './operations.js';
import { tempStore } from '../../test/helpers/temp-store.js';

// The pairing operations the RPC methods and the CLI's local fallback share. Each runs in one store
// transaction and appends its audit event; time moves only through nowMs.

const POLICY = { autoApproveRemoteWithToken: false };
const T0 = 1_800_000_000_000;

function connect(deviceId: string, over: Partial<DeviceConnect> = {}): DeviceConnect {
  return { deviceId, publicKey: `pk-${deviceId}`, role: 'operator', scopes: ['operator.read'], clientId: 'cli', clientMode: 'cli', locality: 'remote', remoteIp: '10.0.0.9', kind: 'other', proof: false, ...over };
}

/** A remote device asks; returns its request id. */
function ask(store: Store, deviceId: string, scopes = ['operator.read'], nowMs = T0): string {
  const d = authorizeDevice(store, connect(deviceId, { scopes }), POLICY, nowMs);
  assert.equal(d.outcome, 'pending');
  return d.outcome === 'pending' ? d.requestId : '';
}

/** A device paired with `scopes`, its token delivered and confirmed; returns the token. */
function paired(store: Store, deviceId: string, scopes = ['operator.read']): string {
  approveRequest(store, ask(store, deviceId, scopes), LOCAL_OWNER, T0 + 1);
  const d = authorizeDevice(store, connect(deviceId, { scopes }), POLICY, T0 + 2);
  assert.ok(d.outcome === 'pass' && d.issued);
  authorizeDevice(store, connect(deviceId, { scopes, presentedToken: d.issued.deviceToken }), POLICY, T0 + 3);
  return d.issued.deviceToken;
}

function rawPending(requestId: string, deviceId: string, scopes = ['operator.read']): PendingRecord {
  return { requestId, deviceId, publicKey: `pk-${deviceId}`, role: 'operator', roles: ['operator'], scopes, reason: 'not-paired', isRepair: false, firstSeenAtMs: T0, lastSeenAtMs: T0, expiresAtMs: T0 + PENDING_REQUEST_TTL_MS };
}

function code(expected: string, ...parts: string[]) {
  return (err: unknown) => {
    assert.ok(err instanceof ClawgateError, `expected a ClawgateError, got ${String(err)}`);
    assert.equal(err.code, expected);
    for (const p of parts) assert.ok(err.message.includes(p), `message "${err.message}" should contain "${p}"`);
    return true;
  };
}

/** Everything an operation could touch, for "nothing changed" checks. */
function snapshot(store: Store) {
  return {
    devices: store.db.prepare('SELECT * FROM devices ORDER BY device_id').all(),
    tokens: store.db.prepare('SELECT * FROM device_tokens ORDER BY device_id, role').all(),
    pending: store.db.prepare('SELECT * FROM pending_requests ORDER BY request_id').all(),
    audit: store.db.prepare('SELECT * FROM audit_events ORDER BY id').all(),
    retired: store.db.prepare('SELECT * FROM retired_device_tokens ORDER BY id').all(),
  };
}

const ADMIN_RPC: Actor = { label: 'rpc:admin', scopes: ['operator.admin'] };
const pairingOnly = (deviceId: string): Actor => ({ label: `rpc:${deviceId.slice(0, 8)}`, deviceId, scopes: ['operator.pairing', 'operator.read'] });

test('approve: a unique prefix is enough; the device is recorded, its token awaits delivery, audited', (t) => {
  const store = tempStore(t);
  const requestId = ask(store, 'dev-one', ['operator.read', 'operator.write']);
  const result = approveRequest(store, requestId.slice(0, 6), LOCAL_OWNER, T0 + 5);
  assert.equal(result.requestId, requestId);
  assert.equal(result.device.deviceId, 'dev-one');
  assert.deepEqual(result.device.scopes, ['operator.read', 'operator.write']);
  assert.deepEqual(result.device.tokens?.map((v) => [v.role, v.awaitingDelivery, v.fingerprint]), [['operator', true, undefined]]);
  assert.equal(store.pending.count(T0 + 5), 0);
  const events = store.audit.ofKind('pairing.approved');
  assert.equal(events.length, 1);
  assert.deepEqual([events[0]!.requestId, events[0]!.deviceId, events[0]!.actor, events[0]!.detail], [requestId, 'dev-one', 'cli-local', { scopes: ['operator.read', 'operator.write'] }]);
});

test('request ids: ambiguous prefixes, unknown ids and LIKE wildcards are refused by approve and reject', (t) => {
  const store = tempStore(t);
  store.pending.put(rawPending('abcd1111-0000', 'dev-a'));
  store.pending.put(rawPending('abcd2222-0000', 'dev-b'));
  for (const op of [approveRequest, rejectRequest]) {
    assert.throws(() => op(store, 'abcd', LOCAL_OWNER, T0 + 1), code('AMBIGUOUS_ID', 'abcd', 'give more characters'));
    assert.throws(() => op(store, 'ffff', LOCAL_OWNER, T0 + 1), code('UNKNOWN_REQUEST_ID', 'unknown requestId "ffff"', 'clawgate devices list'));
    assert.throws(() => op(store, '%', LOCAL_OWNER, T0 + 1), code('UNKNOWN_REQUEST_ID', 'unknown requestId'));
    assert.throws(() => op(store, 'abcd_', LOCAL_OWNER, T0 + 1), code('UNKNOWN_REQUEST_ID', 'unknown requestId'));
  }
  assert.equal(store.pending.count(T0 + 1), 2, 'nothing resolved');
  assert.equal(rejectRequest(store, 'abcd2', LOCAL_OWNER, T0 + 1).requestId, 'abcd2222-0000');
});

test('an expired request cannot be approved, and the failed call leaves even the expiry pruning undone', (t) => {
  const store = tempStore(t);
  const requestId = ask(store, 'dev-late');
  const before = snapshot(store);
  const late = T0 + PENDING_REQUEST_TTL_MS;
  assert.throws(() => approveRequest(store, requestId, LOCAL_OWNER, late), code('UNKNOWN_REQUEST_ID', 'unknown requestId', 'expired'));
  assert.deepEqual(snapshot(store), before, 'one transaction: the prune and its audit rolled back with the failure');
  assert.equal(store.devices.get('dev-late'), undefined);
});

test('reject: the request goes, nothing is paired, audited', (t) => {
  const store = tempStore(t);
  const requestId = ask(store, 'dev-no');
  assert.deepEqual(rejectRequest(store, requestId, ADMIN_RPC, T0 + 1), { requestId, deviceId: 'dev-no' });
  assert.equal(store.pending.count(T0 + 1), 0);
  assert.equal(store.devices.count(), 0);
  const ev = store.audit.ofKind('pairing.rejected');
  assert.deepEqual(ev.map((e) => [e.requestId, e.deviceId, e.actor]), [[requestId, 'dev-no', 'rpc:admin']]);
  assert.throws(() => rejectRequest(store, requestId, ADMIN_RPC, T0 + 2), code('UNKNOWN_REQUEST_ID'));
});

test('a non-admin approver may grant only scopes it holds: SCOPE_ESCALATION, request kept', (t) => {
  const store = tempStore(t);
  paired(store, 'dev-approver', ['operator.pairing', 'operator.read']);
  const requestId = ask(store, 'dev-new', ['operator.admin']);
  const before = snapshot(store);
  assert.throws(() => approveRequest(store, requestId, pairingOnly('dev-approver'), T0 + 10), (err: unknown) => {
    code('SCOPE_ESCALATION', 'operator.admin', 'approve it as an admin')(err);
    assert.deepEqual((err as ClawgateError).details['missing'], ['operator.admin']);
    return true;
  });
  assert.deepEqual(snapshot(store), before);
  const within = ask(store, 'dev-reader', ['operator.read']);
  assert.equal(approveRequest(store, within, pairingOnly('dev-approver'), T0 + 11).device.deviceId, 'dev-reader');
});

test('device ids: unique prefixes work; ambiguous, unknown and wildcard ids are refused', (t) => {
  const store = tempStore(t);
  paired(store, 'dev-aaaa-1');
  paired(store, 'dev-aaaa-2');
  paired(store, 'dev-bbbb-1');
  assert.throws(() => removeDevice(store, 'dev-aaaa', LOCAL_OWNER, T0 + 10), code('AMBIGUOUS_ID', 'dev-aaaa'));
  assert.throws(() => rotateToken(store, { deviceId: 'dev-aaaa', role: 'operator' }, LOCAL_OWNER, T0 + 10), code('AMBIGUOUS_ID'));
  assert.throws(() => revokeToken(store, { deviceId: 'dev-aaaa', role: 'operator' }, LOCAL_OWNER, T0 + 10), code('AMBIGUOUS_ID'));
  assert.throws(() => removeDevice(store, 'dev-zzzz', LOCAL_OWNER, T0 + 10), code('UNKNOWN_DEVICE', 'unknown deviceId "dev-zzzz"'));
  assert.throws(() => removeDevice(store, 'dev-%', LOCAL_OWNER, T0 + 10), code('UNKNOWN_DEVICE'));
  assert.throws(() => removeDevice(store, 'dev-____-1', LOCAL_OWNER, T0 + 10), code('UNKNOWN_DEVICE'));
  assert.equal(store.devices.count(), 3);
  assert.equal(rotateToken(store, { deviceId: 'dev-b', role: 'operator' }, LOCAL_OWNER, T0 + 11).deviceId, 'dev-bbbb-1');
  assert.equal(revokeToken(store, { deviceId: 'dev-aaaa-2', role: 'operator' }, LOCAL_OWNER, T0 + 12).deviceId, 'dev-aaaa-2');
  assert.deepEqual(removeDevice(store, 'dev-aaaa-1', LOCAL_OWNER, T0 + 13), { deviceId: 'dev-aaaa-1' });
});

test('an empty id never matches, even when only one request or device exists (the CLI fallback has no schema check)', (t) => {
  const store = tempStore(t);
  paired(store, 'dev-only');
  ask(store, 'dev-asking');
  const before = snapshot(store);
  assert.throws(() => approveRequest(store, '', LOCAL_OWNER, T0 + 10), code('UNKNOWN_REQUEST_ID', 'unknown requestId ""'));
  assert.throws(() => rejectRequest(store, '', LOCAL_OWNER, T0 + 10), code('UNKNOWN_REQUEST_ID'));
  assert.throws(() => removeDevice(store, '', LOCAL_OWNER, T0 + 10), code('UNKNOWN_DEVICE', 'unknown deviceId ""'));
  assert.throws(() => rotateToken(store, { deviceId: '', role: 'operator' }, LOCAL_OWNER, T0 + 10), code('UNKNOWN_DEVICE'));
  assert.throws(() => revokeToken(store, { deviceId: '', role: 'operator' }, LOCAL_OWNER, T0 + 10), code('UNKNOWN_DEVICE'));
  assert.deepEqual(snapshot(store), before);
});

test('remove: the device, its tokens and its pending request go; audited', (t) => {
  const store = tempStore(t);
  paired(store, 'dev-gone');
  ask(store, 'dev-gone', ['operator.admin'], T0 + 5); // a scope upgrade waiting
  assert.equal(store.pending.count(T0 + 5), 1);
  removeDevice(store, 'dev-gone', LOCAL_OWNER, T0 + 6);
  assert.equal(store.devices.get('dev-gone'), undefined);
  assert.deepEqual(store.tokens.forDevice('dev-gone'), []);
  assert.equal(store.pending.count(T0 + 6), 0);
  assert.deepEqual(store.audit.ofKind('device.removed').map((e) => [e.deviceId, e.actor]), [['dev-gone', 'cli-local']]);
  assert.deepEqual(listPairing(store, T0 + 6), { pending: [], paired: [] });
});

test('a non-admin caller manages only its own device: FORBIDDEN for another', (t) => {
  const store = tempStore(t);
  paired(store, 'dev-self');
  paired(store, 'dev-other');
  const self = pairingOnly('dev-self');
  const before = snapshot(store);
  assert.throws(() => removeDevice(store, 'dev-other', self, T0 + 10), code('FORBIDDEN', 'needs operator.admin'));
  assert.throws(() => rotateToken(store, { deviceId: 'dev-other', role: 'operator' }, self, T0 + 10), code('FORBIDDEN', 'token rotation'));
  assert.throws(() => revokeToken(store, { deviceId: 'dev-other', role: 'operator' }, self, T0 + 10), code('FORBIDDEN', 'token revocation'));
  assert.deepEqual(snapshot(store), before);
  assert.equal(removeDevice(store, 'dev-self', self, T0 + 11).deviceId, 'dev-self');
});

/** A connect that is left waiting: its request id and precise cause. */
function waiting(store: Store, c: DeviceConnect, nowMs: number) {
  const d = authorizeDevice(store, c, POLICY, nowMs);
  assert.equal(d.outcome, 'pending', JSON.stringify(d));
  return d.outcome === 'pending' ? d : assert.fail('not pending');
}

test('rotate for oneself returns the new token (delivery "response"); the old one is retired, named, and never re-minted', (t) => {
  const store = tempStore(t);
  const old = paired(store, 'dev-me', ['operator.read', 'operator.write']);
  const r = rotateToken(store, { deviceId: 'dev-me', role: 'operator' }, pairingOnly('dev-me'), T0 + 10);
  assert.equal(r.delivery, 'response');
  assert.ok(r.token && r.token !== old);
  assert.deepEqual([r.deviceId, r.role, r.scopes, r.rotatedAtMs], ['dev-me', 'operator', ['operator.read', 'operator.write'], T0 + 10]);
  const rec = store.tokens.get('dev-me', 'operator')!;
  assert.equal(rec.tokenHash, hashToken(r.token));
  assert.equal(rec.confirmedAtMs, undefined);
  assert.deepEqual(authorizeDevice(store, connect('dev-me', { presentedToken: r.token }), POLICY, T0 + 11), { outcome: 'pass', authMethod: 'device-token' });
  // Another copy of the old cache, without the gateway token: refused as rotated, with one request to approve.
  const d = waiting(store, connect('dev-me', { presentedToken: old }), T0 + 12);
  assert.deepEqual(d.cause, { kind: 'token-retired', why: 'rotated', role: 'operator', retiredAtMs: T0 + 10 });
  assert.equal(store.tokens.get('dev-me', 'operator')!.tokenHash, hashToken(r.token), 'the new token still stands');
  assert.deepEqual(store.audit.ofKind('token.rotated').map((e) => [e.deviceId, e.actor, e.detail]), [['dev-me', 'rpc:dev-me', { delivery: 'response' }]]);
});

test('rotate for another device returns no token; that device converges with the gateway token, or through one stable request the owner approves', (t) => {
  const store = tempStore(t);
  const old = paired(store, 'dev-them');
  const record = store.devices.get('dev-them')!;
  const r = rotateToken(store, { deviceId: 'dev-them', role: 'operator' }, ADMIN_RPC, T0 + 10);
  assert.equal(r.delivery, 'next-connect');
  assert.equal('token' in r, false, 'never echoed to the admin');
  assert.equal(store.tokens.get('dev-them', 'operator')!.tokenHash, undefined, 'the old hash is gone at once');
  assert.deepEqual(store.audit.ofKind('token.rotated').map((e) => e.detail), [{ delivery: 'next-connect' }]);

  // Without proof: the old token, or no token at all, is refused as rotated; every retry names the same request.
  const first = waiting(store, connect('dev-them', { presentedToken: old }), T0 + 11);
  assert.deepEqual(first.cause, { kind: 'token-retired', why: 'rotated', role: 'operator', retiredAtMs: T0 + 10 });
  assert.equal(first.reason, 'token-rotated');
  const retry = waiting(store, connect('dev-them', { presentedToken: old }), T0 + 12);
  const bare = waiting(store, connect('dev-them'), T0 + 13);
  assert.deepEqual([retry.requestId, retry.created, bare.requestId], [first.requestId, false, first.requestId]);
  assert.equal(store.audit.ofKind('token.minted').filter((e) => e.deviceId === 'dev-them').length, 1, 'nothing re-minted since the first delivery');

  // Approved: the next signed connect (still presenting the old cache) gets a new token; the record is as it was.
  approveRequest(store, first.requestId, LOCAL_OWNER, T0 + 14);
  const d = authorizeDevice(store, connect('dev-them', { presentedToken: old }), POLICY, T0 + 15);
  assert.ok(d.outcome === 'pass' && d.issued && d.issued.deviceToken !== old);
  const after = store.devices.get('dev-them')!;
  assert.deepEqual([after.deviceId, after.roles, after.approvedScopes, after.createdAtMs], [record.deviceId, record.roles, record.approvedScopes, record.createdAtMs]);
});

test('after a rotation, the gateway token converges in one connect: a fresh token, the record untouched', (t) => {
  const store = tempStore(t);
  const old = paired(store, 'dev-proof', ['operator.admin']);
  const record = store.devices.get('dev-proof');
  rotateToken(store, { deviceId: 'dev-proof', role: 'operator' }, ADMIN_RPC, T0 + 10);
  const d = authorizeDevice(store, connect('dev-proof', { proof: true, presentedToken: old, scopes: ['operator.admin'] }), POLICY, T0 + 11);
  assert.ok(d.outcome === 'pass' && d.issued);
  assert.equal(store.tokens.get('dev-proof', 'operator')!.tokenHash, hashToken(d.issued.deviceToken));
  assert.deepEqual(store.devices.get('dev-proof'), record);
  assert.equal(store.pending.list(T0 + 11).length, 0);
  assert.equal(store.audit.ofKind('token.minted').at(-1)?.reason, 'replaces-rotated');
});

test('rotate may narrow scopes but not go beyond what the device is approved for: SCOPE_ESCALATION', (t) => {
  const store = tempStore(t);
  paired(store, 'dev-narrow', ['operator.read', 'operator.write']);
  const before = snapshot(store);
  assert.throws(
    () => rotateToken(store, { deviceId: 'dev-narrow', role: 'operator', scopes: ['operator.admin'] }, LOCAL_OWNER, T0 + 10),
    code('SCOPE_ESCALATION', 'operator.admin', 'approve a scope upgrade instead'),
  );
  assert.throws(() => rotateToken(store, { deviceId: 'dev-narrow', role: 'node' }, LOCAL_OWNER, T0 + 10), code('UNKNOWN_ROLE', 'role "node"'));
  assert.deepEqual(snapshot(store), before);
  const r = rotateToken(store, { deviceId: 'dev-narrow', role: 'operator', scopes: ['operator.read'] }, LOCAL_OWNER, T0 + 11);
  assert.deepEqual(r.scopes, ['operator.read']);
});

test('revoke retires the token and keeps the record: the next connect is refused as revoked, not as a role upgrade', (t) => {
  const store = tempStore(t);
  const token = paired(store, 'dev-rev');
  assert.deepEqual(revokeToken(store, { deviceId: 'dev-rev', role: 'operator' }, LOCAL_OWNER, T0 + 10), { deviceId: 'dev-rev', role: 'operator', revokedAtMs: T0 + 10 });
  const rec = store.tokens.get('dev-rev', 'operator')!;
  assert.deepEqual([rec.tokenHash, rec.revokedAtMs], [undefined, T0 + 10]);
  assert.deepEqual(store.devices.get('dev-rev')?.roles, ['operator'], 'the pairing record keeps its role');
  const d = waiting(store, connect('dev-rev', { presentedToken: token }), T0 + 11);
  assert.deepEqual([d.reason, d.cause], ['token-revoked', { kind: 'token-retired', why: 'revoked', role: 'operator', retiredAtMs: T0 + 10 }]);
  assert.equal(store.pending.list(T0 + 11)[0]?.isRepair, true);
  assert.throws(() => revokeToken(store, { deviceId: 'dev-rev', role: 'operator' }, LOCAL_OWNER, T0 + 12), code('UNKNOWN_ROLE', 'no active token'));
  assert.deepEqual(store.audit.ofKind('token.revoked').map((e) => [e.deviceId, e.role, e.actor]), [['dev-rev', 'operator', 'cli-local']]);
  // With the gateway token the device converges in one connect.
  const proved = authorizeDevice(store, connect('dev-rev', { proof: true, presentedToken: token }), POLICY, T0 + 13);
  assert.ok(proved.outcome === 'pass' && proved.issued);
});

test('remove leaves retired rows behind: the device is then told it was removed, not that it is new', (t) => {
  const store = tempStore(t);
  const token = paired(store, 'dev-gone');
  removeDevice(store, 'dev-gone', LOCAL_OWNER, T0 + 10);
  const d = waiting(store, connect('dev-gone', { presentedToken: token }), T0 + 11);
  assert.deepEqual([d.reason, d.cause], ['not-paired', { kind: 'device-removed', removedAtMs: T0 + 10 }]);
});

test('every operation is one transaction: a failure at its last step (the audit append) leaves no partial change', (t) => {
  const store = tempStore(t);
  for (const id of ['dev-remove', 'dev-rotate', 'dev-revoke', 'dev-mint']) paired(store, id);
  const toApprove = ask(store, 'dev-approve');
  const toReject = ask(store, 'dev-reject');
  // A real SQLite trigger makes the audit insert of each kind fail; it runs after every other change of the operation.
  const fail = (kind: string) => store.db.exec(`CREATE TRIGGER fail_audit BEFORE INSERT ON audit_events WHEN NEW.kind = '${kind}' BEGIN SELECT RAISE(ABORT, 'injected failure'); END;`);
  const cases: [string, () => unknown][] = [
    ['pairing.approved', () => approveRequest(store, toApprove, LOCAL_OWNER, T0 + 10)],
    ['pairing.rejected', () => rejectRequest(store, toReject, LOCAL_OWNER, T0 + 10)],
    ['device.removed', () => removeDevice(store, 'dev-remove', LOCAL_OWNER, T0 + 10)],
    ['token.rotated', () => rotateToken(store, { deviceId: 'dev-rotate', role: 'operator' }, LOCAL_OWNER, T0 + 10)],
    ['token.revoked', () => revokeToken(store, { deviceId: 'dev-revoke', role: 'operator' }, LOCAL_OWNER, T0 + 10)],
    ['token.minted', () => authorizeDevice(store, connect('dev-mint', { proof: true, presentedToken: 'stale' }), POLICY, T0 + 10)],
  ];
  for (const [kind, run] of cases) {
    const before = snapshot(store);
    fail(kind);
    try {
      assert.throws(run, /injected failure/, kind);
    } finally {
      store.db.exec('DROP TRIGGER fail_audit');
    }
    assert.deepEqual(snapshot(store), before, `${kind}: no partial change`);
    run(); // and without the injected failure it succeeds
  }
});

test('listPairing: live requests newest first, paired devices newest approval first, no secrets', (t) => {
  const store = tempStore(t);
  paired(store, 'dev-p1');
  const older = ask(store, 'dev-q1', ['operator.read'], T0 + 100);
  const newer = ask(store, 'dev-q2', ['operator.read'], T0 + 200);
  ask(store, 'dev-expired', ['operator.read'], T0 - PENDING_REQUEST_TTL_MS);
  const list = listPairing(store, T0 + 300);
  assert.deepEqual(list.pending.map((p) => p.requestId), [newer, older]);
  assert.deepEqual(list.paired.map((d) => d.deviceId), ['dev-p1']);
  const text = JSON.stringify(list);
  assert.ok(!text.includes('tokenHash') && !/"[0-9a-f]{64}"/.test(text), 'no token or hash in the views');
  assert.match(list.paired[0]!.tokens![0]!.fingerprint!, /^sha256:[0-9a-f]{12}$/);
});

test('approval records every field of the request on the device and owes the role a token, none minted yet', (t) => {
  const store = tempStore(t);
  store.pending.put({ ...rawPending('req-full-0001', 'dev-full', ['operator.read']), displayName: 'Laptop', platform: 'linux', deviceFamily: 'desktop', clientId: 'cli', clientMode: 'cli', remoteIp: '10.0.0.7' });
  approveRequest(store, 'req-full-0001', LOCAL_OWNER, T0 + 5);
  assert.deepEqual(store.devices.get('dev-full'), {
    deviceId: 'dev-full', publicKey: 'pk-dev-full', displayName: 'Laptop', platform: 'linux', deviceFamily: 'desktop', clientId: 'cli', clientMode: 'cli',
    roles: ['operator'], approvedScopes: ['operator.read'], remoteIp: '10.0.0.7', createdAtMs: T0 + 5, approvedAtMs: T0 + 5, lastSeenAtMs: undefined,
  });
  const tok = store.tokens.get('dev-full', 'operator')!;
  assert.deepEqual([tok.tokenHash, tok.scopes, tok.createdAtMs, tok.rotatedAtMs, tok.revokedAtMs, tok.confirmedAtMs, tok.lastUsedAtMs], [undefined, ['operator.read'], T0 + 5, undefined, undefined, undefined, undefined]);
  assert.deepEqual(store.retiredTokens.forDevice('dev-full', T0 + 5), [], 'nothing to retire on a first approval');
});

test('a later approval keeps what the new request does not say, unions roles and scopes, and retires the delivered token as rotated by the gateway', (t) => {
  const store = tempStore(t);
  store.pending.put({ ...rawPending('req-one-00001', 'dev-again', ['operator.read']), displayName: 'Laptop', platform: 'linux', deviceFamily: 'desktop', clientId: 'cli', clientMode: 'cli', remoteIp: '10.0.0.7' });
  approveRequest(store, 'req-one-00001', LOCAL_OWNER, T0 + 1);
  const d = authorizeDevice(store, connect('dev-again'), POLICY, T0 + 2);
  assert.ok(d.outcome === 'pass' && d.issued);
  authorizeDevice(store, connect('dev-again', { presentedToken: d.issued.deviceToken }), POLICY, T0 + 3);
  const before = store.devices.get('dev-again')!;
  assert.deepEqual([before.displayName, before.platform, before.deviceFamily, before.clientMode], ['Laptop', 'linux', 'desktop', 'cli']);
  const tokenBefore = store.tokens.get('dev-again', 'operator')!;
  store.pending.put({ ...rawPending('req-two-00001', 'dev-again', ['operator.write']), roles: ['operator', 'node'], role: 'node' });
  approveRequest(store, 'req-two-00001', LOCAL_OWNER, T0 + 20);
  assert.deepEqual(store.devices.get('dev-again'), {
    ...before,
    roles: ['node', 'operator'], approvedScopes: ['operator.read', 'operator.write'], createdAtMs: T0 + 1, approvedAtMs: T0 + 20,
  });
  const node = store.tokens.get('dev-again', 'node')!;
  assert.deepEqual([node.tokenHash, node.scopes, node.createdAtMs, node.rotatedAtMs], [undefined, [], T0 + 20, undefined], 'a node token carries no operator scopes');
  assert.deepEqual(store.tokens.get('dev-again', 'operator'), tokenBefore, 'the operator token is untouched by a node approval');

  // Approving the operator role again replaces its token: the delivered hash is retired as rotated.
  store.pending.put(rawPending('req-three-0001', 'dev-again', ['operator.read']));
  approveRequest(store, 'req-three-0001', LOCAL_OWNER, T0 + 30);
  const op = store.tokens.get('dev-again', 'operator')!;
  assert.deepEqual([op.tokenHash, op.scopes, op.createdAtMs, op.rotatedAtMs, op.lastUsedAtMs], [undefined, ['operator.read', 'operator.write'], tokenBefore.createdAtMs, T0 + 30, tokenBefore.lastUsedAtMs]);
  assert.deepEqual(store.retiredTokens.forDevice('dev-again', T0 + 30).map((r) => [r.role, r.tokenHash, r.why, r.retiredAtMs, r.actor]), [['operator', tokenBefore.tokenHash, 'rotated', T0 + 30, 'gateway']]);
});

test('expired requests are pruned by reject, each audited as pairing.expired by the gateway', (t) => {
  const store = tempStore(t);
  store.pending.put(rawPending('req-old-00001', 'dev-old'));
  store.pending.put({ ...rawPending('req-live-0001', 'dev-live'), expiresAtMs: T0 + 10 * PENDING_REQUEST_TTL_MS });
  rejectRequest(store, 'req-live-0001', LOCAL_OWNER, T0 + PENDING_REQUEST_TTL_MS + 1);
  assert.deepEqual(store.audit.ofKind('pairing.expired').map((e) => [e.tsMs, e.deviceId, e.requestId, e.role, e.actor]), [[T0 + PENDING_REQUEST_TTL_MS + 1, 'dev-old', 'req-old-00001', 'operator', 'gateway']]);
});

test('expired requests are pruned by approve too, each audited as pairing.expired by the gateway', (t) => {
  const store = tempStore(t);
  store.pending.put(rawPending('req-old-00001', 'dev-old'));
  store.pending.put({ ...rawPending('req-live-0001', 'dev-live'), expiresAtMs: T0 + 10 * PENDING_REQUEST_TTL_MS });
  approveRequest(store, 'req-live-0001', LOCAL_OWNER, T0 + PENDING_REQUEST_TTL_MS + 1);
  assert.deepEqual(store.audit.ofKind('pairing.expired').map((e) => [e.tsMs, e.deviceId, e.requestId, e.role, e.actor]), [[T0 + PENDING_REQUEST_TTL_MS + 1, 'dev-old', 'req-old-00001', 'operator', 'gateway']]);
  assert.deepEqual(store.db.prepare('SELECT request_id FROM pending_requests').all(), [], 'the approved request and the expired one are both gone');
});

test('an admin approves scopes outside operator.* too: the scope check binds only non-admin approvers', (t) => {
  const store = tempStore(t);
  const requestId = ask(store, 'dev-cam', ['camera.snap', 'operator.read']);
  assert.equal(approveRequest(store, requestId, ADMIN_RPC, T0 + 5).device.deviceId, 'dev-cam');
  assert.deepEqual(store.devices.get('dev-cam')?.approvedScopes, ['camera.snap', 'operator.read']);
  // A non-admin holding the same scopes may grant them; one without camera.snap may not.
  const again = ask(store, 'dev-cam-2', ['camera.snap']);
  assert.throws(() => approveRequest(store, again, pairingOnly('dev-x'), T0 + 6), code('SCOPE_ESCALATION', 'camera.snap'));
  assert.equal(approveRequest(store, again, { ...pairingOnly('dev-x'), scopes: ['operator.pairing', 'camera.snap'] }, T0 + 7).device.deviceId, 'dev-cam-2');
});

test('reject returns the request and device, and audits who rejected which role', (t) => {
  const store = tempStore(t);
  const requestId = ask(store, 'dev-no');
  assert.deepEqual(rejectRequest(store, requestId, pairingOnly('dev-x'), T0 + 5), { requestId, deviceId: 'dev-no' });
  assert.deepEqual(store.audit.ofKind('pairing.rejected').map((e) => [e.tsMs, e.deviceId, e.requestId, e.role, e.actor]), [[T0 + 5, 'dev-no', requestId, 'operator', 'rpc:dev-x']]);
});

test('SCOPE_ESCALATION on approve names the request and the missing scopes; an admin approves the same request', (t) => {
  const store = tempStore(t);
  const requestId = ask(store, 'dev-big', ['operator.admin', 'operator.read', 'operator.write']);
  assert.throws(() => approveRequest(store, requestId, pairingOnly('dev-x'), T0 + 5), (err: unknown) => {
    assert.ok(err instanceof ClawgateError);
    assert.equal(err.code, 'SCOPE_ESCALATION');
    assert.deepEqual(err.details, { requestId, missing: ['operator.admin', 'operator.write'] });
    assert.ok(err.message.includes('would grant operator.admin, operator.write,'), err.message);
    return true;
  });
  assert.equal(approveRequest(store, requestId, ADMIN_RPC, T0 + 6).device.deviceId, 'dev-big');
  assert.equal(store.audit.ofKind('pairing.approved')[0]!.actor, 'rpc:admin');
});

test('remove retires every token of the device as removed by the caller; a device without tokens leaves one operator row', (t) => {
  const store = tempStore(t);
  paired(store, 'dev-two');
  const hash = store.tokens.get('dev-two', 'operator')!.tokenHash;
  assert.deepEqual(removeDevice(store, 'dev-two', ADMIN_RPC, T0 + 10), { deviceId: 'dev-two' });
  assert.deepEqual(store.retiredTokens.forDevice('dev-two', T0 + 10).map((r) => [r.role, r.tokenHash, r.why, r.retiredAtMs, r.actor]), [['operator', hash, 'removed', T0 + 10, 'rpc:admin']]);
  assert.deepEqual(store.audit.ofKind('device.removed').map((e) => [e.tsMs, e.deviceId, e.actor]), [[T0 + 10, 'dev-two', 'rpc:admin']]);

  approveRequest(store, ask(store, 'dev-bare'), LOCAL_OWNER, T0 + 1);
  store.db.prepare('DELETE FROM device_tokens WHERE device_id = ?').run('dev-bare');
  removeDevice(store, 'dev-bare', ADMIN_RPC, T0 + 11);
  assert.deepEqual(store.retiredTokens.forDevice('dev-bare', T0 + 11).map((r) => [r.role, r.tokenHash, r.why, r.retiredAtMs, r.actor]), [['operator', undefined, 'removed', T0 + 11, 'rpc:admin']]);
});

test('FORBIDDEN names the other device in its details; an admin manages any device', (t) => {
  const store = tempStore(t);
  paired(store, 'dev-mine');
  paired(store, 'dev-theirs');
  assert.throws(() => removeDevice(store, 'dev-theirs', pairingOnly('dev-mine'), T0 + 10), (err: unknown) => {
    assert.ok(err instanceof ClawgateError && err.code === 'FORBIDDEN');
    assert.deepEqual(err.details, { deviceId: 'dev-theirs' });
    assert.ok(err.message.startsWith('removal of another device needs operator.admin'), err.message);
    return true;
  });
  const admin: Actor = { label: 'rpc:adm', deviceId: 'dev-mine', scopes: ['operator.admin'] };
  assert.equal(revokeToken(store, { deviceId: 'dev-theirs', role: 'operator' }, admin, T0 + 11).deviceId, 'dev-theirs');
  assert.equal(rotateToken(store, { deviceId: 'dev-theirs', role: 'operator' }, admin, T0 + 12).delivery, 'next-connect');
  assert.equal(removeDevice(store, 'dev-theirs', admin, T0 + 13).deviceId, 'dev-theirs');
});

test('rotate writes a fresh record: created kept, rotated now, proof needed, old hash retired by the caller', (t) => {
  const store = tempStore(t);
  paired(store, 'dev-rot', ['operator.read', 'operator.write']);
  store.tokens.markUsed('dev-rot', 'operator', T0 + 7);
  const before = store.tokens.get('dev-rot', 'operator')!;
  const r = rotateToken(store, { deviceId: 'dev-rot', role: 'operator' }, pairingOnly('dev-rot'), T0 + 10);
  assert.deepEqual(store.tokens.get('dev-rot', 'operator'), {
    deviceId: 'dev-rot', role: 'operator', tokenHash: hashToken(r.token!), scopes: ['operator.read', 'operator.write'],
    createdAtMs: before.createdAtMs, rotatedAtMs: T0 + 10, revokedAtMs: undefined, confirmedAtMs: undefined, lastUsedAtMs: T0 + 7, needsProof: true,
  });
  assert.deepEqual(store.retiredTokens.forDevice('dev-rot', T0 + 10).map((x) => [x.role, x.tokenHash, x.why, x.retiredAtMs, x.actor]), [['operator', before.tokenHash, 'rotated', T0 + 10, 'rpc:dev-rot']]);
  assert.deepEqual(store.audit.ofKind('token.rotated').map((e) => [e.tsMs, e.role]), [[T0 + 10, 'operator']]);
  // Rotated again without scopes: the token's current scopes stand, even when narrower than the approval.
  rotateToken(store, { deviceId: 'dev-rot', role: 'operator', scopes: ['operator.read'] }, LOCAL_OWNER, T0 + 11);
  assert.deepEqual(rotateToken(store, { deviceId: 'dev-rot', role: 'operator' }, LOCAL_OWNER, T0 + 12).scopes, ['operator.read']);
});

test('rotate of an approved role with no token yet takes the approved scopes; unknown roles and escalations name the device', (t) => {
  const store = tempStore(t);
  approveRequest(store, ask(store, 'dev-fresh-0123456789', ['operator.write']), LOCAL_OWNER, T0 + 1);
  store.db.prepare('DELETE FROM device_tokens WHERE device_id = ?').run('dev-fresh-0123456789');
  const r = rotateToken(store, { deviceId: 'dev-fresh-0123456789', role: 'operator' }, LOCAL_OWNER, T0 + 10);
  assert.deepEqual(r, { deviceId: 'dev-fresh-0123456789', role: 'operator', scopes: ['operator.write'], rotatedAtMs: T0 + 10, delivery: 'next-connect' });
  assert.equal(store.tokens.get('dev-fresh-0123456789', 'operator')!.createdAtMs, T0 + 10);
  assert.throws(() => rotateToken(store, { deviceId: 'dev-fresh-0123456789', role: 'node' }, LOCAL_OWNER, T0 + 11), (err: unknown) => {
    assert.ok(err instanceof ClawgateError && err.code === 'UNKNOWN_ROLE');
    assert.deepEqual(err.details, { deviceId: 'dev-fresh-0123456789', role: 'node' });
    assert.equal(err.message, 'unknown deviceId/role: device dev-fresh-01 is not approved for role "node"');
    return true;
  });
  assert.throws(() => rotateToken(store, { deviceId: 'dev-fresh-0123456789', role: 'operator', scopes: ['operator.admin', 'operator.pairing'] }, LOCAL_OWNER, T0 + 11), (err: unknown) => {
    assert.ok(err instanceof ClawgateError && err.code === 'SCOPE_ESCALATION');
    assert.deepEqual(err.details, { deviceId: 'dev-fresh-0123456789', missing: ['operator.admin', 'operator.pairing'] });
    assert.equal(err.message, 'cannot rotate to operator.admin, operator.pairing: beyond what device dev-fresh-01 is approved for; approve a scope upgrade instead');
    return true;
  });
});

test('a non-operator role may rotate only to scopes literally approved (no implied scopes)', (t) => {
  const store = tempStore(t);
  store.pending.put({ ...rawPending('req-node-0001', 'dev-node', ['operator.write']), role: 'node', roles: ['node'] });
  approveRequest(store, 'req-node-0001', LOCAL_OWNER, T0 + 1);
  assert.deepEqual(rotateToken(store, { deviceId: 'dev-node', role: 'node', scopes: ['operator.write'] }, LOCAL_OWNER, T0 + 2).scopes, ['operator.write']);
  // operator.write implies operator.read for an operator, but a node token gets only what is listed.
  assert.throws(() => rotateToken(store, { deviceId: 'dev-node', role: 'node', scopes: ['operator.read'] }, LOCAL_OWNER, T0 + 3), code('SCOPE_ESCALATION', 'operator.read'));
});

test('revoke keeps the record but clears hash and confirmation, requires proof, retires the hash as revoked; a role without a token is UNKNOWN_ROLE', (t) => {
  const store = tempStore(t);
  paired(store, 'dev-rv-0123456789');
  const before = store.tokens.get('dev-rv-0123456789', 'operator')!;
  revokeToken(store, { deviceId: 'dev-rv-0123456789', role: 'operator' }, pairingOnly('dev-rv-0123456789'), T0 + 10);
  assert.deepEqual(store.tokens.get('dev-rv-0123456789', 'operator'), { ...before, tokenHash: undefined, revokedAtMs: T0 + 10, confirmedAtMs: undefined, needsProof: true });
  assert.deepEqual(store.retiredTokens.forDevice('dev-rv-0123456789', T0 + 10).map((x) => [x.role, x.tokenHash, x.why, x.retiredAtMs, x.actor]), [['operator', before.tokenHash, 'revoked', T0 + 10, 'rpc:dev-rv-0']]);
  assert.deepEqual(store.audit.ofKind('token.revoked').map((e) => e.tsMs), [T0 + 10]);
  assert.throws(() => revokeToken(store, { deviceId: 'dev-rv-0123456789', role: 'node' }, LOCAL_OWNER, T0 + 11), (err: unknown) => {
    assert.ok(err instanceof ClawgateError && err.code === 'UNKNOWN_ROLE');
    assert.deepEqual(err.details, { deviceId: 'dev-rv-0123456789', role: 'node' });
    assert.equal(err.message, 'unknown deviceId/role: device dev-rv-01234 has no active token for role "node"');
    return true;
  });
});

test('approval adds the requested role to the roles the device already has; an operator rotates to scopes its approval implies', (t) => {
  const store = tempStore(t);
  approveRequest(store, ask(store, 'dev-roles', ['operator.write']), LOCAL_OWNER, T0 + 1);
  store.pending.put({ ...rawPending('req-role-0001', 'dev-roles', []), role: 'node', roles: [] });
  approveRequest(store, 'req-role-0001', LOCAL_OWNER, T0 + 2);
  assert.deepEqual(store.devices.get('dev-roles')!.roles, ['node', 'operator']);
  // operator.write implies operator.read for the operator role.
  assert.deepEqual(rotateToken(store, { deviceId: 'dev-roles', role: 'operator', scopes: ['operator.read'] }, LOCAL_OWNER, T0 + 3).scopes, ['operator.read']);
});
