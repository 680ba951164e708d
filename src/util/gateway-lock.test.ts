import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { acquireLock, readLock } from './gateway-lock.js';

function lockPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'cg-lock-')), 'gateway.lock');
}

test('the lock records pid, port, start time and version, 0600, and is released', () => {
  const path = lockPath();
  const lock = acquireLock(path, '1.2.3', 1000);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  lock.update(18789);
  assert.deepEqual(readLock(path), { pid: process.pid, port: 18789, startedAtMs: 1000, version: '1.2.3' });
  lock.release();
  assert.equal(existsSync(path), false);
});

test('a live owner refuses a second gateway, naming its pid and port, and the lock is untouched', async () => {
  const path = lockPath();
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
  try {
    writeFileSync(path, JSON.stringify({ pid: other.pid, port: 4242, startedAtMs: 1, version: 'x' }));
    const before = readFileSync(path, 'utf8');
    assert.throws(
      () => acquireLock(path, 'y'),
      (err: unknown) => err instanceof ClawgateError && err.code === 'GATEWAY_ALREADY_RUNNING' && err.message.includes(`pid ${other.pid}`) && err.message.includes('port 4242'),
    );
    assert.equal(readFileSync(path, 'utf8'), before);
  } finally {
    other.kill('SIGKILL');
  }
});

test('a stale lock (dead pid) or a torn one is reclaimed at once', () => {
  const path = lockPath();
  writeFileSync(path, JSON.stringify({ pid: 2 ** 22 + 12345, port: 1, startedAtMs: 1, version: 'x' }));
  acquireLock(path, 'y').release();
  writeFileSync(path, '{"pid":');
  const lock = acquireLock(path, 'y');
  assert.equal(readLock(path)?.pid, process.pid);
  lock.release();
});
