import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startGateway, type RunningGateway } from '../helpers/gateway-process.js';
import { makeDevice, rawConnect, rpc, type TestDevice } from '../helpers/raw-client.js';
import { auditRows, cleanup, pendingRows, sha256Hex, tokenRow, withDb } from '../helpers/scenario-support.js';
import { METHODS } from '../../src/protocol/methods/index.js';
import { scopeAllows } from '../../src/pairing/scope-lattice.js';

// Section B of scenarios.md: scopes, against real gateway processes over real sockets.

let gw: RunningGateway;
/** A second gateway with gateway.pairing.autoApproveRemoteWithToken = true. */
let optIn: RunningGateway;

before(async () => {
  [gw, optIn] = await Promise.all([
    startGateway(),
    (() => {
      const token = randomBytes(32).toString('base64url');
      return startGateway({ token, config: { gateway: { auth: { mode: 'token', token }, pairing: { autoApproveRemoteWithToken: true } } } });
    })(),
  ]);
});
after(async () => {
  await cleanup([gw, optIn], []);
});

const PAIRING_AUDIT = ['pairing.requested', 'pairing.auto-approved', 'pairing.approved'];

/** Pair a device with the gateway token on loopback (auto-approved) and return its minted device token. */
async function pairWithToken(g: RunningGateway, device: TestDevice, scopes: string[]): Promise<string> {
  const { ws, response } = await rawConnect(g.url, { device, auth: { token: g.token! }, scopes });
  assert.equal(response?.ok, true, JSON.stringify(response?.error));
  ws.close();
  return response!.payload.auth.deviceToken as string;
}

describe('SU-NEW-SCOPE-RELEASE', () => {
  const OLD_SCOPES = ['operator.admin', 'operator.approvals', 'operator.pairing', 'operator.read'];

  test('SU-NEW-SCOPE-RELEASE: a record from an older version (admin, approvals, pairing, read) connects asking operator.write: allowed, no pending request, no audit noise', async () => {
    const device = makeDevice();
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    // Seed the store (the only truth) while the gateway runs, as an older release would have written it.
    withDb(
      gw.stateDir,
      (db) => {
        db.prepare(
          `INSERT INTO devices (device_id, public_key, display_name, platform, device_family, client_id, client_mode, roles, approved_scopes, remote_ip, created_at_ms, approved_at_ms, last_seen_at_ms)
           VALUES (?, ?, 'old laptop', 'linux', NULL, 'test', 'test', '["operator"]', ?, NULL, ?, ?, NULL)`,
        ).run(device.deviceId, device.publicKey, JSON.stringify(OLD_SCOPES), now - 86_400_000, now - 86_400_000);
        db.prepare(
          `INSERT INTO device_tokens (device_id, role, token_hash, scopes, created_at_ms, rotated_at_ms, revoked_at_ms, confirmed_at_ms, last_used_at_ms)
           VALUES (?, 'operator', ?, ?, ?, NULL, NULL, ?, ?)`,
        ).run(device.deviceId, sha256Hex(token), JSON.stringify(OLD_SCOPES), now - 86_400_000, now - 86_400_000, now - 86_400_000);
      },
      { write: true },
    );
    const auditBefore = auditRows(gw.stateDir, [], device.deviceId).length;

    const { ws, response } = await rawConnect(gw.url, { device, auth: { deviceToken: token }, scopes: ['operator.write'] });
    assert.equal(response?.ok, true, JSON.stringify(response?.error));
    assert.equal(response!.payload.auth, undefined, 'the cached token stays valid: nothing re-minted');
    assert.ok(scopeAllows(OLD_SCOPES, 'operator.write'));
    // Every write-scoped method passes the scope check (none exists yet; INVALID_PARAMS would still prove it).
    for (const def of [...METHODS.values()].filter((m) => m.scope === 'operator.write')) {
      const res = await rpc(ws, def.name, {});
      assert.notEqual(res.error?.details?.code, 'MISSING_SCOPE', def.name);
    }
    // operator.write implies operator.read: a read method works on this write-only connection.
    const status = await rpc(ws, 'status');
    assert.equal(status.ok, true, JSON.stringify(status.error));
    ws.close();

    assert.equal(pendingRows(gw.stateDir).filter((p) => p.device_id === device.deviceId).length, 0, 'no pending request');
    const audit = auditRows(gw.stateDir, [], device.deviceId).slice(auditBefore);
    assert.deepEqual(audit.map((a) => a.kind), [], 'no pairing.requested, scope-upgrade or auth.failed row');
    assert.deepEqual(JSON.parse(withDb(gw.stateDir, (db) => (db.prepare('SELECT approved_scopes FROM devices WHERE device_id = ?').get(device.deviceId) as { approved_scopes: string }).approved_scopes)), OLD_SCOPES, 'the record is not rewritten');
    assert.doesNotMatch(gw.output(), new RegExp(`${device.deviceId.slice(0, 12)}|"level":(40|50)`), 'no warning in the gateway log');
  });

  test('SU-NEW-SCOPE-RELEASE: a scope added to the lattice later keeps every existing record and every method it had', () => {
    const records: string[][] = [OLD_SCOPES, ['operator.read'], ['operator.write'], ['operator.pairing'], ['operator.admin'], []];
    const newScope = 'operator.questions';
    const methodsBefore = (granted: string[]) => [...METHODS.values()].filter((m) => m.scope === null || scopeAllows(granted, m.scope)).map((m) => m.name);
    // A later release adds a method that needs the new scope; existing methods keep their scopes.
    const release = [...METHODS.values()].map((m) => ({ name: m.name, scope: m.scope })).concat([{ name: 'questions.ask', scope: newScope }]);
    for (const granted of records) {
      const allowedAfter = release.filter((m) => m.scope === null || scopeAllows(granted, m.scope)).map((m) => m.name);
      for (const name of methodsBefore(granted)) assert.ok(allowedAfter.includes(name), `${JSON.stringify(granted)} keeps ${name}`);
      assert.equal(allowedAfter.includes('questions.ask'), granted.includes('operator.admin'), `${JSON.stringify(granted)} and the new scope`);
    }
    assert.ok(scopeAllows(OLD_SCOPES, newScope), 'admin implies every operator scope, including ones added later');
    assert.ok(scopeAllows(OLD_SCOPES, 'operator.talk.secrets'));
    assert.ok(!scopeAllows(['operator.read'], newScope));
  });
});

describe('SU-PER-CALL-SCOPE', () => {
  test('SU-PER-CALL-SCOPE: 20 calls, each on a new connection asking only its scope: zero pending requests, zero pairing or mint audit rows', async () => {
    const device = makeDevice();
    const token = await pairWithToken(gw, device, ['operator.admin', 'operator.approvals', 'operator.pairing', 'operator.read', 'operator.write']);
    const kinds = [...PAIRING_AUDIT, 'token.minted', 'auth.failed'];
    const auditBefore = auditRows(gw.stateDir, kinds, device.deviceId).length;
    const cycle: { method: string; params?: unknown; expect?: string }[] = [
      { method: 'health' },
      { method: 'status' },
      { method: 'device.pair.list', params: {} },
      { method: 'system-presence' },
      { method: 'device.pair.reject', params: { requestId: 'ffffffff' }, expect: 'UNKNOWN_REQUEST_ID' },
    ];
    const seenScopes = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const call = cycle[i % cycle.length]!;
      const scope = METHODS.get(call.method)!.scope;
      const scopes = scope ? [scope] : [];
      if (scope) seenScopes.add(scope);
      const { ws, response } = await rawConnect(gw.url, { device, auth: { deviceToken: token }, scopes });
      assert.equal(response?.ok, true, `call ${i} ${call.method}: ${JSON.stringify(response?.error)}`);
      assert.equal(response!.payload.auth, undefined, `call ${i}: no token churn`);
      const res = await rpc(ws, call.method, call.params);
      if (call.expect) assert.equal(res.error?.details?.code, call.expect, `call ${i} ${call.method}`);
      else assert.equal(res.ok, true, `call ${i} ${call.method}: ${JSON.stringify(res.error)}`);
      ws.close();
    }
    assert.deepEqual([...seenScopes].sort(), ['operator.pairing', 'operator.read']);
    assert.equal(pendingRows(gw.stateDir).filter((p) => p.device_id === device.deviceId).length, 0);
    assert.deepEqual(auditRows(gw.stateDir, kinds, device.deviceId).slice(auditBefore), []);
  });

  test('SU-PER-CALL-SCOPE: a call outside the approved scopes fails with MISSING_SCOPE naming the scope, not a pairing error', async () => {
    const device = makeDevice();
    const token = await pairWithToken(gw, device, ['operator.read']);
    const { ws, response } = await rawConnect(gw.url, { device, auth: { deviceToken: token }, scopes: ['operator.read'] });
    assert.equal(response?.ok, true, JSON.stringify(response?.error));
    const res = await rpc(ws, 'device.pair.list', {});
    assert.equal(res.ok, false);
    assert.equal(res.error.code, 'INVALID_REQUEST');
    assert.equal(res.error.details.code, 'MISSING_SCOPE');
    assert.equal(res.error.details.scope, 'operator.pairing');
    assert.equal(res.error.message, 'missing scope: operator.pairing (reconnect requesting it; the device must be approved for it)');
    assert.equal((await rpc(ws, 'status')).ok, true, 'the connection stays usable');
    ws.close();
    assert.equal(pendingRows(gw.stateDir).filter((p) => p.device_id === device.deviceId).length, 0);
    assert.deepEqual(auditRows(gw.stateDir, ['pairing.requested'], device.deviceId), []);
  });
});

describe('SU-LOCAL-AUTOAPPROVE-POLICY', () => {
  async function expectPending(g: RunningGateway, spec: Parameters<typeof rawConnect>[1]) {
    const { response, closed } = await rawConnect(g.url, spec);
    assert.equal(response?.ok, false);
    assert.equal(response!.error.code, 'NOT_PAIRED');
    assert.equal(response!.error.details.code, 'PAIRING_REQUIRED');
    const requestId: string = response!.error.details.requestId;
    assert.match(requestId, /^[0-9a-f-]{36}$/);
    assert.equal(response!.error.message, `pairing required (request ${requestId}, not-paired): on the gateway host run clawgate devices approve ${requestId.slice(0, 8)}`);
    const close = await closed;
    assert.equal(close.code, 1008);
    assert.equal(close.reason, `pairing required: run clawgate devices approve ${requestId.slice(0, 8)}`);
    const row = pendingRows(g.stateDir).find((p) => p.request_id === requestId);
    assert.ok(row, 'the pending request is in the store');
    return row;
  }

  async function expectAutoApproved(g: RunningGateway, spec: Parameters<typeof rawConnect>[1] & { device: TestDevice }) {
    const { ws, response } = await rawConnect(g.url, spec);
    assert.equal(response?.ok, true, JSON.stringify(response?.error));
    assert.match(response!.payload.auth.deviceToken, /^[A-Za-z0-9_-]{43}$/);
    ws.close();
    assert.equal(auditRows(g.stateDir, ['pairing.auto-approved'], spec.device.deviceId).length, 1);
    assert.equal(sha256Hex(response!.payload.auth.deviceToken), tokenRow(g.stateDir, spec.device.deviceId)!.token_hash);
  }

  test('SU-LOCAL-AUTOAPPROVE-POLICY: loopback-direct with the gateway token is auto-approved', async () => {
    await expectAutoApproved(gw, { device: makeDevice(), auth: { token: gw.token! }, scopes: ['operator.read'] });
  });

  test('SU-LOCAL-AUTOAPPROVE-POLICY: loopback-direct without the token gets a pending request (NOT_PAIRED, close 1008, details.requestId)', async () => {
    const row = await expectPending(gw, { device: makeDevice(), scopes: ['operator.read'] });
    assert.equal(row.remote_ip, null, 'a loopback-direct request has no remote address');
  });

  test('SU-LOCAL-AUTOAPPROVE-POLICY: X-Forwarded-For with the token gets a pending request (auto-approval off)', async () => {
    const row = await expectPending(gw, { device: makeDevice(), auth: { token: gw.token! }, headers: { 'X-Forwarded-For': '203.0.113.7' } });
    assert.equal(row.remote_ip, '127.0.0.1');
  });

  test('SU-LOCAL-AUTOAPPROVE-POLICY: with autoApproveRemoteWithToken, X-Forwarded-For with the token is auto-approved; without the token it is pending', async () => {
    await expectAutoApproved(optIn, { device: makeDevice(), auth: { token: optIn.token! }, headers: { 'X-Forwarded-For': '203.0.113.7' } });
    await expectPending(optIn, { device: makeDevice(), headers: { 'X-Forwarded-For': '203.0.113.7' } });
  });

  test('SU-LOCAL-AUTOAPPROVE-POLICY: a browser page (allowed origin) asking role node is refused: PAIRING_REFUSED, no pending request', async () => {
    const headers = { Origin: `http://127.0.0.1:${gw.port}` };
    // A fresh browser device, and a browser device already paired as an operator (role upgrade).
    const paired = makeDevice();
    await pairWithToken(gw, paired, ['operator.read']);
    for (const [device, withToken] of [
      [makeDevice(), true],
      [makeDevice(), false],
      [paired, true],
    ] as const) {
      const { response, closed } = await rawConnect(gw.url, { device, role: 'node', headers, ...(withToken ? { auth: { token: gw.token! } } : {}) });
      assert.equal(response?.ok, false, `${device.deviceId.slice(0, 8)} withToken=${withToken}`);
      assert.equal(response!.error.code, 'NOT_PAIRED');
      assert.equal(response!.error.details.code, 'PAIRING_REFUSED');
      assert.match(response!.error.message, /^pairing refused \((not-paired|role-upgrade)\): a browser page cannot take role "node"$/);
      const close = await closed;
      assert.equal(close.code, 1008);
      assert.equal(close.reason, response!.error.message);
      assert.equal(pendingRows(gw.stateDir).filter((p) => p.device_id === device.deviceId).length, 0);
    }
    assert.deepEqual(JSON.parse(withDb(gw.stateDir, (db) => (db.prepare('SELECT roles FROM devices WHERE device_id = ?').get(paired.deviceId) as { roles: string }).roles)), ['operator']);
  });
});
