import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64Decode, verifyPayload } from '../pairing/device-key.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { loadOrCreateIdentity, signPayload } from './identity.js';

function identityPath(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'cg-identity-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'identity', 'device.json');
}

function assertUnreadable(path: string) {
  const before = readFileSync(path);
  assert.throws(() => loadOrCreateIdentity(path), (err: unknown) => {
    assert.ok(err instanceof ClawgateError);
    assert.equal(err.code, 'STATE_DIR_INVALID');
    assert.match(err.message, /device identity .*device\.json is unreadable/);
    assert.match(err.message, /move it aside/);
    return true;
  });
  assert.deepEqual(readFileSync(path), before, 'never replaced');
}

test('first use creates identity/device.json (0600) in the protocol §4.4 shape', (t) => {
  const path = identityPath(t);
  const before = Date.now();
  const id = loadOrCreateIdentity(path);
  const text = readFileSync(path, 'utf8');
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const file = JSON.parse(text) as Record<string, unknown>;
  assert.deepEqual(Object.keys(file), ['version', 'deviceId', 'publicKeyPem', 'privateKeyPem', 'createdAtMs']);
  assert.equal(text, `${JSON.stringify(file, null, 2)}\n`, '2-space indent and a trailing newline');
  assert.equal(file['version'], 1);
  assert.match(String(file['deviceId']), /^[0-9a-f]{64}$/);
  assert.equal(file['deviceId'], id.deviceId);
  assert.match(String(file['publicKeyPem']), /^-----BEGIN PUBLIC KEY-----\n/);
  assert.match(String(file['privateKeyPem']), /^-----BEGIN PRIVATE KEY-----\n/);
  assert.ok(typeof file['createdAtMs'] === 'number' && file['createdAtMs'] >= before && file['createdAtMs'] <= Date.now());
  assert.equal(base64Decode(id.publicKey)?.length, 32, 'wire public key is the raw 32-byte key');
  assert.deepEqual(readdirSync(join(path, '..')), ['device.json'], 'no temp file left behind');
});

test('the identity is stable across loads and the file is not rewritten', (t) => {
  const path = identityPath(t);
  const first = loadOrCreateIdentity(path);
  const bytes = readFileSync(path);
  const mtime = statSync(path).mtimeMs;
  const second = loadOrCreateIdentity(path);
  assert.deepEqual([second.deviceId, second.publicKey, second.createdAtMs], [first.deviceId, first.publicKey, first.createdAtMs]);
  assert.deepEqual(readFileSync(path), bytes);
  assert.equal(statSync(path).mtimeMs, mtime);
});

test('signatures verify against the wire public key', (t) => {
  const id = loadOrCreateIdentity(identityPath(t));
  const sig = signPayload(id, 'v3|payload');
  assert.match(sig, /^[A-Za-z0-9_-]{86}$/);
  const raw = base64Decode(id.publicKey)!;
  assert.equal(verifyPayload(raw, 'v3|payload', sig), true);
  assert.equal(verifyPayload(raw, 'v3|other', sig), false);
});

test('a stale deviceId in the file is rewritten to the key fingerprint', (t) => {
  const path = identityPath(t);
  const id = loadOrCreateIdentity(path);
  const file = JSON.parse(readFileSync(path, 'utf8'));
  writeFileSync(path, JSON.stringify({ ...file, deviceId: 'f'.repeat(64) }));
  assert.equal(loadOrCreateIdentity(path).deviceId, id.deviceId);
  assert.equal(JSON.parse(readFileSync(path, 'utf8')).deviceId, id.deviceId);
  assert.equal(statSync(path).mode & 0o777, 0o600);
});

test('an unreadable identity is STATE_DIR_INVALID and is never replaced', (t) => {
  const path = identityPath(t);
  loadOrCreateIdentity(path);
  const good = JSON.parse(readFileSync(path, 'utf8'));

  writeFileSync(path, '{"version":1,"deviceId":');
  assertUnreadable(path);

  writeFileSync(path, JSON.stringify({ ...good, privateKeyPem: 'not a pem' }));
  assertUnreadable(path);

  const other = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  writeFileSync(path, JSON.stringify({ ...good, privateKeyPem: other }));
  assertUnreadable(path); // keys that do not belong together

  writeFileSync(path, '');
  assertUnreadable(path);
  assert.ok(existsSync(path));
});
