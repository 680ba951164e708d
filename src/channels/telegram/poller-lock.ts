import { createHash, randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Secret } from '../../auth/secret.js';
import { ownerAlive } from '../../util/gateway-lock.js';
import { ownStartTicks } from '../../util/process-stat.js';

/** Hex characters of the token's SHA-256 in the lock file name (enough to never clash, useless to an attacker). */
const LOCK_HASH_CHARS = 16;
/** Attempts at taking the lock when stale holders keep appearing. */
const LOCK_ATTEMPTS = 3;

/** Shared by every state dir of this user on this machine, so two installs with one bot token see each other (0700: another user's gateway is caught by Telegram's 409 instead). */
export function pollerLockDir(): string {
  return join(tmpdir(), 'clawgate-locks');
}

/** What a poller lock records about the gateway that polls a bot token. */
export interface PollerLockInfo {
  readonly pid: number;
  readonly stateDir: string;
  readonly startedAtMs: number;
  /** Tells two channels of one process apart (a pid alone cannot). */
  readonly instance: string;
  /** The holder's start time in clock ticks since boot (Linux), so a reused pid is not taken for it; absent in older locks. */
  readonly startTicks?: number;
}

/** A held poller lock; release() removes the file only while it is still ours. */
export interface PollerLock {
  readonly path: string;
  release(): void;
}

/** Taken, refused because another poller holds it, or unavailable (the lock dir is not writable: rely on Telegram's 409). */
export type PollerLockResult =
  | { readonly kind: 'held'; readonly lock: PollerLock }
  | { readonly kind: 'conflict'; readonly holder: PollerLockInfo }
  | { readonly kind: 'unavailable'; readonly reason: string };

/** Instances holding a lock in this process: a lock file with our pid but no instance here is stale (pid reuse after a restart). */
const heldHere = new Set<string>();

function readHolder(path: string): PollerLockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as PollerLockInfo;
    return Number.isInteger(info.pid) && typeof info.instance === 'string' ? info : undefined;
  } catch {
    return undefined;
  }
}

function isLive(info: PollerLockInfo): boolean {
  return info.pid === process.pid ? heldHere.has(info.instance) : ownerAlive(info);
}

/** The lock file of a bot token: keyed by a prefix of the token's SHA-256. */
export function pollerLockPath(token: Secret, dir = pollerLockDir()): string {
  const hash = createHash('sha256').update(token.reveal(), 'utf8').digest('hex').slice(0, LOCK_HASH_CHARS);
  return join(dir, `telegram-${hash}.lock`);
}

/**
 * One poller per bot token on this machine: take `telegram-<hash>.lock` (0600, O_EXCL, with pid and state dir).
 * A lock whose process is gone is reclaimed; a live one is a conflict naming its holder.
 */
export function acquirePollerLock(token: Secret, stateDir: string, dir = pollerLockDir(), nowMs = Date.now()): PollerLockResult {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    return { kind: 'unavailable', reason: `cannot create ${dir} (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  const path = pollerLockPath(token, dir);
  const ticks = ownStartTicks();
  const info: PollerLockInfo = { pid: process.pid, stateDir, startedAtMs: nowMs, instance: randomUUID(), ...(ticks !== undefined ? { startTicks: ticks } : {}) };
  for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') return { kind: 'unavailable', reason: `cannot create ${path} (${code ?? 'error'})` };
      const holder = readHolder(path);
      if (holder && isLive(holder)) return { kind: 'conflict', holder };
      rmSync(path, { force: true }); // stale: its process (or instance) is gone
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(info));
    } finally {
      closeSync(fd);
    }
    heldHere.add(info.instance);
    return {
      kind: 'held',
      lock: {
        path,
        release() {
          heldHere.delete(info.instance);
          if (readHolder(path)?.instance === info.instance) rmSync(path, { force: true });
        },
      },
    };
  }
  return { kind: 'unavailable', reason: `could not take ${path}: it keeps being re-created` };
}
