import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { writeFileAtomic } from '../util/atomic-write.js';

/** What gateway.lock records about the gateway that owns a state dir. */
export interface LockInfo {
  pid: number;
  port: number | null;
  startedAtMs: number;
  version: string;
}

/** True when a process with this pid exists (EPERM means it exists but is not ours). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
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
 * Take gateway.lock with O_EXCL before anything in the state dir is written. A lock whose pid is dead is
 * reclaimed at once; a live one is GATEWAY_ALREADY_RUNNING naming its pid and port.
 */
export function acquireLock(path: string, version: string, nowMs = Date.now()): GatewayLock {
  const info: LockInfo = { pid: process.pid, port: null, startedAtMs: nowMs, version };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new ClawgateError('STATE_DIR_INVALID', `cannot create ${path}: ${(err as Error).message}`, { path });
      }
      const held = readLock(path);
      if (held && held.pid !== process.pid && pidAlive(held.pid)) {
        throw new ClawgateError(
          'GATEWAY_ALREADY_RUNNING',
          `another gateway owns this state dir (pid ${held.pid}, port ${held.port ?? 'starting'}); stop it with clawgate gateway stop, or use another --profile`,
          { pid: held.pid, port: held.port, lockPath: path },
        );
      }
      rmSync(path, { force: true }); // stale: its process is gone
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(info));
    } finally {
      closeSync(fd);
    }
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
