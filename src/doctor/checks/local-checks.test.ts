import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from '../../store/sqlite-driver.js';
import { hashToken, mintToken } from '../../auth/tokens.js';
import { loadOrCreateIdentity } from '../../client/identity.js';
import { TokenCache } from '../../client/token-cache.js';
import { statePathsOf, type StatePaths } from '../../config/paths.js';
import { Store } from '../../store/store.js';
import { SCHEMA_VERSION } from '../../store/migrations.js';
import { deviceRecord } from '../../../test/helpers/temp-store.js';
import { DoctorContext } from '../context.js';
import { runDoctor } from '../runner.js';
import type { DoctorCheck } from '../types.js';
import { configValid } from './config-valid.js';
import { deviceTokenCache } from './device-token-cache.js';
import { expiredRequests } from './expired-requests.js';
import { gatewayLock } from './gateway-lock.js';
import { logsWritable } from './logs-writable.js';
import { pendingRequests } from './pending-requests.js';
import { stateDirPermissions } from './state-dir-permissions.js';
import { storeIntegrity } from './store-integrity.js';

function tempPaths(t: { after(fn: () => void): void }): StatePaths {
  const dir = mkdtempSync(join(tmpdir(), 'cg-doctor-'));
  chmodSync(dir, 0o700);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return statePathsOf(dir);
}

const ctxOf = (paths: StatePaths, env: NodeJS.ProcessEnv = {}) => new DoctorContext({ paths, env });
const run = async (check: DoctorCheck, paths: StatePaths, env: NodeJS.ProcessEnv = {}) => check.run(ctxOf(paths, env));
const ids = (o: { findings: { id: string }[] }) => o.findings.map((f) => f.id);

function pendingRow(requestId: string, deviceId: string, expiresAtMs: number) {
  return { requestId, deviceId, publicKey: `pk-${deviceId}`, role: 'operator', roles: ['operator'], scopes: ['operator.read'], reason: 'not-paired', isRepair: false, firstSeenAtMs: 1, lastSeenAtMs: 2, expiresAtMs };
}

test('config-valid: missing and valid configs are ok; an invalid one names each key path', async (t) => {
  const paths = tempPaths(t);
  assert.deepEqual(ids(await run(configValid, paths)), []);
  writeFileSync(paths.configPath, '{ gateway: { port: 18790 } }', { mode: 0o600 });
  assert.deepEqual(ids(await run(configValid, paths)), []);
  writeFileSync(paths.configPath, '{ gateway: { port: "x", bogus: 1 } }', { mode: 0o600 });
  const bad = await run(configValid, paths);
  assert.deepEqual(ids(bad), ['config-invalid-key', 'config-invalid-key']);
  assert.ok(bad.findings.some((f) => f.message.startsWith('gateway.port:')));
  assert.ok(bad.findings.some((f) => f.message.startsWith('gateway.bogus:')));
  writeFileSync(paths.configPath, '{ gateway: ', { mode: 0o600 });
  assert.deepEqual(ids(await run(configValid, paths)), ['config-unreadable']);
});

test('state-dir-permissions: private files pass; --fix chmods only the too-open ones and reports the old mode', async (t) => {
  const paths = tempPaths(t);
  writeFileSync(paths.configPath, '{}', { mode: 0o600 });
  mkdirSync(paths.logsDir, { mode: 0o700 });
  writeFileSync(join(paths.logsDir, 'clawgate-2026-01-01.log'), '', { mode: 0o600 });
  assert.deepEqual(ids(await run(stateDirPermissions, paths)), []);
  chmodSync(paths.configPath, 0o644);
  chmodSync(paths.logsDir, 0o755);
  writeFileSync(join(paths.stateDir, 'untouched.txt'), 'x', { mode: 0o600 });
  const bad = await run(stateDirPermissions, paths);
  assert.deepEqual(bad.findings.map((f) => [f.id, f.severity, f.fixable]), [
    ['permissions-too-open', 'error', true],
    ['permissions-too-open', 'warn', true],
  ]);
  const report = await runDoctor(() => ctxOf(paths), { fix: true, checks: [stateDirPermissions] });
  assert.equal(report.fixed.length, 2);
  assert.ok(report.fixed.every((f) => f.ok));
  assert.ok(report.fixed.some((f) => f.action.includes('0644 -> 0600')));
  assert.equal(statSync(paths.configPath).mode & 0o777, 0o600);
  assert.equal(statSync(paths.logsDir).mode & 0o777, 0o700);
  assert.equal(report.checks[0]!.status, 'ok');
});

test('logs-writable: missing (creatable) and writable dirs pass; a file in its place is an error', async (t) => {
  const paths = tempPaths(t);
  assert.deepEqual(ids(await run(logsWritable, paths)), []);
  mkdirSync(paths.logsDir, { mode: 0o700 });
  assert.deepEqual(ids(await run(logsWritable, paths)), []);
  rmSync(paths.logsDir, { recursive: true });
  writeFileSync(paths.logsDir, 'not a dir', { mode: 0o600 });
  assert.deepEqual(ids(await run(logsWritable, paths)), ['logs-not-dir']);
});

test('store-integrity: a fresh store passes read-only; garbage and a newer schema are errors; the file is never changed', async (t) => {
  const paths = tempPaths(t);
  assert.deepEqual(ids(await run(storeIntegrity, paths)), []);
  Store.open(paths.dbPath).close();
  const before = readFileSync(paths.dbPath);
  const ok = await run(storeIntegrity, paths);
  assert.deepEqual(ids(ok), []);
  assert.match(ok.summary, new RegExp(`integrity ok, schema version ${SCHEMA_VERSION}`));
  assert.deepEqual(readFileSync(paths.dbPath), before);
  const db = new Database(paths.dbPath);
  db.pragma('user_version = 99');
  db.close();
  assert.deepEqual(ids(await run(storeIntegrity, paths)), ['store-too-new']);
  writeFileSync(paths.dbPath, 'this is not a database, just bytes'.repeat(200));
  const garbage = await run(storeIntegrity, paths);
  assert.deepEqual(ids(garbage), ['store-unreadable']);
  assert.equal(readFileSync(paths.dbPath, 'utf8').startsWith('this is not'), true);
});

test('pending-requests lists live requests with the approve command; expired-requests --fix deletes them with audit rows and a backup', async (t) => {
  const paths = tempPaths(t);
  const now = Date.now();
  const store = Store.open(paths.dbPath);
  store.write(() => {
    store.pending.put(pendingRow('a1b2c3d4e5f6', 'd'.repeat(64), now + 600_000));
    store.pending.put(pendingRow('ffff0000aaaa', 'e'.repeat(64), now - 1_000));
  });
  store.close();
  const waiting = await run(pendingRequests, paths);
  assert.deepEqual(ids(waiting), ['pairing-request-waiting']);
  assert.equal(waiting.findings[0]!.fix, 'clawgate devices approve a1b2c3d4 (or clawgate devices reject a1b2c3d4)');
  assert.deepEqual(ids(await run(expiredRequests, paths)), ['expired-requests']);

  const report = await runDoctor(() => ctxOf(paths), { fix: true, checks: [pendingRequests, expiredRequests] });
  assert.equal(report.fixed.length, 1);
  const fix = report.fixed[0]!;
  assert.equal(fix.ok, true);
  assert.ok(fix.backup && existsSync(fix.backup));
  assert.equal(statSync(fix.backup).mode & 0o777, 0o600);
  assert.deepEqual(report.checks.map((c) => c.status), ['warn', 'ok']);
  const after = Store.open(paths.dbPath);
  t.after(() => after.close());
  assert.deepEqual(after.pending.list(now).map((p) => p.requestId), ['a1b2c3d4e5f6']);
  const audit = after.audit.ofKind('pairing.expired');
  assert.deepEqual(audit.map((a) => [a.requestId, a.actor]), [['ffff0000aaaa', 'cli-local']]);
  // The backup still holds the expired row: nothing is lost.
  const backup = new Database(fix.backup, { readonly: true });
  assert.equal((backup.prepare('SELECT count(*) AS n FROM pending_requests').get() as { n: number }).n, 2);
  backup.close();
});

test('device-token-cache: a matching cache passes; a stale one names the fix without printing either token', async (t) => {
  const paths = tempPaths(t);
  const identity = loadOrCreateIdentity(paths.identityPath);
  const token = mintToken();
  new TokenCache(paths.tokenCachePath, identity.deviceId).put({ token, role: 'operator', scopes: ['operator.admin'] });
  const store = Store.open(paths.dbPath);
  store.write(() => {
    store.devices.upsert(deviceRecord(identity.deviceId, { approvedScopes: ['operator.admin'] }));
    store.tokens.put({ deviceId: identity.deviceId, role: 'operator', tokenHash: hashToken(token), scopes: ['operator.admin'], createdAtMs: 1 });
  });
  assert.deepEqual(ids(await run(deviceTokenCache, paths)), []);
  const other = mintToken();
  store.write(() => store.tokens.put({ deviceId: identity.deviceId, role: 'operator', tokenHash: hashToken(other), scopes: ['operator.admin'], createdAtMs: 2 }));
  const stale = await run(deviceTokenCache, paths);
  assert.deepEqual(stale.findings.map((f) => [f.id, f.severity]), [['device-token-stale', 'error']]);
  assert.match(stale.findings[0]!.fix!, /clawgate devices rotate --device [0-9a-f]{12} --role operator/);
  assert.match(stale.findings[0]!.message, new RegExp(`sha256:${hashToken(other).slice(0, 12)}`));
  const withGatewayToken = await run(deviceTokenCache, paths, { CLAWGATE_GATEWAY_TOKEN: mintToken() });
  assert.deepEqual(withGatewayToken.findings.map((f) => [f.id, f.severity]), [['device-token-stale', 'warn']]);
  store.write(() => store.tokens.put({ deviceId: identity.deviceId, role: 'operator', tokenHash: hashToken(other), scopes: ['operator.admin'], createdAtMs: 2, revokedAtMs: 3 }));
  assert.deepEqual(ids(await run(deviceTokenCache, paths)), ['device-token-revoked']);
  store.close();
  const text = JSON.stringify([stale, withGatewayToken]);
  assert.ok(!text.includes(token) && !text.includes(other));
});

test('gateway-lock: no lock is ok; a stale lock is removed by --fix with a backup; a live pid is left alone', async (t) => {
  const paths = tempPaths(t);
  assert.deepEqual(ids(await run(gatewayLock, paths)), []);
  // A pid that surely is dead: a child that has exited.
  const child = spawn(process.execPath, ['-e', '']);
  const deadPid = await new Promise<number>((res) => child.on('exit', () => res(child.pid!)));
  const stale = JSON.stringify({ pid: deadPid, port: 1, startedAtMs: 1, version: '0.0.0' });
  writeFileSync(paths.lockPath, stale, { mode: 0o600 });
  const found = await run(gatewayLock, paths);
  assert.deepEqual(found.findings.map((f) => [f.id, f.fixable]), [['lock-stale', true]]);
  const report = await runDoctor(() => ctxOf(paths), { fix: true, checks: [gatewayLock] });
  assert.equal(report.fixed[0]!.ok, true);
  assert.equal(existsSync(paths.lockPath), false);
  assert.equal(readFileSync(report.fixed[0]!.backup!, 'utf8'), stale);
  assert.equal(report.checks[0]!.status, 'ok');
  writeFileSync(paths.lockPath, JSON.stringify({ pid: process.pid, port: 1, startedAtMs: 1, version: '0.0.0' }), { mode: 0o600 });
  const live = await runDoctor(() => ctxOf(paths), { fix: true, checks: [gatewayLock] });
  assert.deepEqual(live.fixed, []);
  assert.equal(existsSync(paths.lockPath), true);
});

test('runner: a hung check is reported as timed out, a throwing one as crashed, and the others still report', async (t) => {
  const paths = tempPaths(t);
  const hung: DoctorCheck = { id: 'hung', run: () => new Promise(() => {}) };
  const boom: DoctorCheck = { id: 'boom', run: () => { throw new Error('kaput'); } };
  const report = await runDoctor(() => ctxOf(paths), { checks: [hung, boom, configValid], timeoutMs: 200 });
  assert.deepEqual(report.checks.map((c) => [c.id, c.status, c.findings.map((f) => f.id).join()]), [
    ['hung', 'error', 'check-timeout'],
    ['boom', 'error', 'check-crashed'],
    ['config-valid', 'ok', ''],
  ]);
});
