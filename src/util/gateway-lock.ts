import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { ownStartTicks, processStat } from './process-stat.js';
import { asStorageError, storageError } from './storage-error.js';

/** What gateway.lock records about the gateway that owns a state dir. */
export interface LockInfo {
  pid: number;
  port: number | null;
  startedAtMs: number;
  version: string;
  /** The owner's start time in clock ticks since boot (Linux); absent in locks of older versions. */
  startTicks?: number;
}

/** Process states that will never run again: a zombie waits only for its parent to reap it. */
const DEAD_STATES = new Set(['Z', 'X']);

/**
 * True when a process with this pid exists and can still run (EPERM means it exists but is not ours).
 * A zombie counts as dead: in a container whose init does not reap, a crashed gateway stays one. With
 * startTicks (what a lock recorded), a process with that pid but another start time is a reused pid: dead.
 */
export function pidAlive(pid: number, startTicks?: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = processStat(pid);
  if (stat === undefined) return true; // no procfs: the signal said it exists
  if (DEAD_STATES.has(stat.state)) return false;
  return startTicks === undefined || stat.startTicks === startTicks;
}

/** True when the process a lock names is still the one that took it. */
export function ownerAlive(info: { readonly pid: number; readonly startTicks?: number | undefined }): boolean {
  return pidAlive(info.pid, Number.isSafeInteger(info.startTicks) ? info.startTicks : undefined);
}

/** Read a lock file; undefined when absent or unreadable (a torn lock is treated as stale). */
export function readLock(path: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    return Number.isInteger(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

/** An exclusive hold on a state dir; release() removes the lock only if it is still ours. */
export interface GatewayLock {
  readonly path: string;
  update(port: number): void;
  release(): void;
}

/**
 * Take gateway.lock with O_EXCL before anything in the state dir is written. A lock whose owner is gone
 * (see ownerAlive) is reclaimed at once; a live one is GATEWAY_ALREADY_RUNNING naming its pid and port.
 */
export function acquireLock(path: string, version: string, nowMs = Date.now()): GatewayLock {
  const ticks = ownStartTicks();
  const info: LockInfo = { pid: process.pid, port: null, startedAtMs: nowMs, version, ...(ticks !== undefined ? { startTicks: ticks } : {}) };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw storageError(err, path) ?? new ClawgateError('STATE_DIR_INVALID', `cannot create ${path}: ${(err as Error).message}`, { path });
      }
      const held = readLock(path);
      if (held && held.pid !== process.pid && ownerAlive(held)) {
        throw new ClawgateError(
          'GATEWAY_ALREADY_RUNNING',
          `another gateway owns this state dir (pid ${held.pid}, port ${held.port ?? 'starting'}); stop it with clawgate gateway stop, or use another --profile`,
          { pid: held.pid, port: held.port, lockPath: path },
        );
      }
      rmSync(path, { force: true }); // stale: its process is gone (exited, a zombie, or its pid reused)
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(info));
    } catch (err) {
      // An empty lock would read as torn; remove ours rather than leave it behind.
      closeSync(fd);
      rmSync(path, { force: true });
      throw asStorageError(err, path);
    }
    closeSync(fd);
    return {
      path,
      update(port: number) {
        info.port = port;
        writeFileAtomic(path, JSON.stringify(info));
      },
      release() {
        if (readLock(path)?.pid === process.pid) rmSync(path, { force: true });
      },
    };
  }
  throw new ClawgateError('GATEWAY_ALREADY_RUNNING', `could not take ${path}: another gateway keeps taking it`, { lockPath: path });
}
