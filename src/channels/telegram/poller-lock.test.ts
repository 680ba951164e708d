import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret } from '../../auth/secret.js';
import { acquirePollerLock, pollerLockPath } from './poller-lock.js';

const token = new Secret('123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');

test('one holder per bot token: a second taker gets a conflict naming the holder; release frees it', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-pl-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const first = acquirePollerLock(token, '/state/a', dir);
  assert.equal(first.kind, 'held');
  if (first.kind !== 'held') return;
  assert.equal(statSync(first.lock.path).mode & 0o777, 0o600);
  assert.ok(!readFileSync(first.lock.path, 'utf8').includes(token.reveal()), 'the lock never holds the token');
  assert.ok(!first.lock.path.includes(token.reveal().split(':')[1]!));
  const second = acquirePollerLock(token, '/state/b', dir);
  assert.equal(second.kind, 'conflict');
  if (second.kind === 'conflict') assert.deepEqual([second.holder.pid, second.holder.stateDir], [process.pid, '/state/a']);
  assert.equal(acquirePollerLock(new Secret('999:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBB'), '/state/b', dir).kind, 'held', 'another token has its own lock');
  first.lock.release();
  assert.equal(acquirePollerLock(token, '/state/b', dir).kind, 'held');
});

test('a lock left by a dead process, or by this pid in an earlier life, is reclaimed', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-pl-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = pollerLockPath(token, dir);
  writeFileSync(path, JSON.stringify({ pid: 2 ** 22 + 12345, stateDir: '/gone', startedAtMs: 1, instance: 'x' }));
  assert.equal(acquirePollerLock(token, '/s', dir).kind, 'held');
  rmSync(path);
  writeFileSync(path, JSON.stringify({ pid: process.pid, stateDir: '/old', startedAtMs: 1, instance: 'not-held-here' }));
  assert.equal(acquirePollerLock(token, '/s', dir).kind, 'held');
});
