import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TokenCache } from './token-cache.js';

const DEVICE = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);

function cachePath(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'cg-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'identity', 'device-auth.json');
}

test('an empty cache has no token', (t) => {
  assert.equal(new TokenCache(cachePath(t), DEVICE).get('operator'), undefined);
});

test('put writes the protocol §9.4 shape (0600, sorted scopes, 2-space indent) and get reads it back', (t) => {
  const path = cachePath(t);
  const cache = new TokenCache(path, DEVICE);
  cache.put({ token: 'tok-1', role: 'operator', scopes: ['operator.write', 'operator.read'] }, 1234);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const text = readFileSync(path, 'utf8');
  const expected = { version: 1, deviceId: DEVICE, tokens: { operator: { token: 'tok-1', role: 'operator', scopes: ['operator.read', 'operator.write'], updatedAtMs: 1234 } } };
  assert.equal(text, `${JSON.stringify(expected, null, 2)}\n`);
  assert.deepEqual(cache.get('operator'), expected.tokens.operator);
  assert.equal(cache.get('node'), undefined);
});

test('roles are kept side by side; a put replaces only its role', (t) => {
  const cache = new TokenCache(cachePath(t), DEVICE);
  cache.put({ token: 'op-1', role: 'operator', scopes: [] }, 1);
  cache.put({ token: 'node-1', role: 'node', scopes: [] }, 2);
  cache.put({ token: 'op-2', role: 'operator', scopes: [] }, 3);
  assert.equal(cache.get('operator')?.token, 'op-2');
  assert.equal(cache.get('node')?.token, 'node-1');
});

test('writes are atomic: a new file is renamed into place and no temp file is left', (t) => {
  const path = cachePath(t);
  const cache = new TokenCache(path, DEVICE);
  cache.put({ token: 'one', role: 'operator', scopes: [] });
  const inode = statSync(path).ino;
  cache.put({ token: 'two', role: 'operator', scopes: [] });
  assert.notEqual(statSync(path).ino, inode, 'replaced by rename, not rewritten in place');
  assert.deepEqual(readdirSync(dirname(path)), ['device-auth.json']);
});

test('a crash between the durable temp file and the rename leaves the previous cache intact', (t) => {
  const path = cachePath(t);
  new TokenCache(path, DEVICE).put({ token: 'before-crash', role: 'operator', scopes: [] });
  const moduleUrl = new URL('./token-cache.js', import.meta.url).href;
  const script = `import { TokenCache } from ${JSON.stringify(moduleUrl)};
new TokenCache(${JSON.stringify(path)}, ${JSON.stringify(DEVICE)}).put({ token: 'after-crash', role: 'operator', scopes: [] });`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, CLAWGATE_TEST_CRASH_AT: 'token-cache-write' },
    cwd: dirname(fileURLToPath(import.meta.url)),
    timeout: 10_000,
  });
  assert.equal(child.signal, 'SIGKILL', `the child was killed mid-write: ${child.stderr}`);
  assert.equal(new TokenCache(path, DEVICE).get('operator')?.token, 'before-crash');
});

test("another deviceId's file is ignored by get and never deleted; the next put replaces it", (t) => {
  const path = cachePath(t);
  new TokenCache(path, OTHER).put({ token: 'theirs', role: 'operator', scopes: [] });
  const bytes = readFileSync(path);
  const mine = new TokenCache(path, DEVICE);
  assert.equal(mine.get('operator'), undefined);
  assert.deepEqual(readFileSync(path), bytes, 'reading changes nothing');
  mine.put({ token: 'mine', role: 'operator', scopes: [] });
  assert.equal(mine.get('operator')?.token, 'mine');
  assert.equal(JSON.parse(readFileSync(path, 'utf8')).deviceId, DEVICE);
});

test('a corrupt or foreign-shaped file reads as empty and is left in place', (t) => {
  const path = cachePath(t);
  const cache = new TokenCache(path, DEVICE);
  cache.put({ token: 'x', role: 'operator', scopes: [] });
  for (const content of ['{not json', JSON.stringify({ version: 2, deviceId: DEVICE, tokens: {} }), JSON.stringify({ version: 1, deviceId: DEVICE, tokens: null }), JSON.stringify({ version: 1, deviceId: DEVICE, tokens: { operator: { token: '' } } })]) {
    writeFileSync(path, content);
    assert.equal(cache.get('operator'), undefined, content);
    assert.equal(readFileSync(path, 'utf8'), content, 'not deleted or rewritten by a read');
  }
});
