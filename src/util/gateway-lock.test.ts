import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { acquireLock, ownerAlive, pidAlive, readLock } from './gateway-lock.js';
import { ownStartTicks, processStat } from './process-stat.js';

function lockPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'cg-lock-')), 'gateway.lock');
}

test('the lock records pid, port, start time and version, 0600, and is released', () => {
  const path = lockPath();
  const lock = acquireLock(path, '1.2.3', 1000);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  lock.update(18789);
  assert.deepEqual(readLock(path), { pid: process.pid, port: 18789, startedAtMs: 1000, version: '1.2.3', startTicks: ownStartTicks() });
  assert.equal(typeof ownStartTicks(), 'number', 'on Linux the owner start time (clock ticks since boot) is recorded');
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

/** A parent that never reaps: sh starts `sleep` in the background, then becomes `sleep` itself (exec), which never waits. */
async function zombieChild(t: { after(fn: () => void): void }): Promise<number> {
  const parent = spawn('sh', ['-c', 'sleep 600 & echo $!; exec sleep 600'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => parent.kill('SIGKILL'));
  const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  process.kill(pid, 'SIGKILL');
  while (processStat(pid)?.state !== 'Z') await new Promise((r) => setTimeout(r, 10));
  return pid;
}

test('a zombie counts as dead: its lock is reclaimed at once', async (t) => {
  const pid = await zombieChild(t);
  assert.doesNotThrow(() => process.kill(pid, 0), 'the signal alone would call the zombie alive');
  assert.equal(pidAlive(pid), false);
  const path = lockPath();
  writeFileSync(path, JSON.stringify({ pid, port: 4242, startedAtMs: 1, version: 'x' }));
  const lock = acquireLock(path, 'y');
  assert.equal(readLock(path)?.pid, process.pid);
  lock.release();
});

test('a lock naming a live pid with another start time (a reused pid) is reclaimed; with its own start time it is refused', (t) => {
  const other = spawn('sleep', ['600']);
  t.after(() => other.kill('SIGKILL'));
  const ticks = processStat(other.pid!)!.startTicks;
  const path = lockPath();
  writeFileSync(path, JSON.stringify({ pid: other.pid, port: 4242, startedAtMs: 1, version: 'x', startTicks: ticks }));
  assert.equal(ownerAlive(readLock(path)!), true);
  assert.throws(() => acquireLock(path, 'y'), { code: 'GATEWAY_ALREADY_RUNNING' });

  writeFileSync(path, JSON.stringify({ pid: other.pid, port: 4242, startedAtMs: 1, version: 'x', startTicks: ticks + 1 }));
  assert.equal(ownerAlive(readLock(path)!), false, 'same pid, another process');
  const lock = acquireLock(path, 'y');
  assert.equal(readLock(path)?.pid, process.pid);
  lock.release();

  writeFileSync(path, JSON.stringify({ pid: other.pid, port: 4242, startedAtMs: 1, version: 'x' }));
  assert.throws(() => acquireLock(path, 'y'), { code: 'GATEWAY_ALREADY_RUNNING' }, 'a lock of an older version (no start time) still counts a live pid');
});
