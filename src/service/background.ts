import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { StatePaths } from '../config/paths.js';
import { ownerAlive, readLock, type LockInfo } from '../util/gateway-lock.js';
import { stateDirIdOf } from '../util/state-dir-id.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { asStorageError } from '../util/storage-error.js';
import { probeHealthz } from './probe.js';

/** How long `gateway start` waits for the gateway to answer, and `stop` for it to exit. */
export const START_TIMEOUT_MS = 15_000;
export const STOP_TIMEOUT_MS = 15_000;
const POLL_MS = 50;
/** gateway.out is rotated (one previous copy) when a start finds it larger than this. */
export const DAEMON_OUT_MAX_BYTES = 5 * 1024 * 1024;

/** The background gateway's console output, beside the state it serves. */
export function daemonLogPath(paths: StatePaths): string {
  return join(paths.logsDir, 'gateway.out');
}

/** A running gateway for this state dir: its lock, and whether it answers as this install. */
export interface RunningInfo {
  lock: LockInfo;
  healthy: boolean;
}

/** The gateway that owns this state dir, if its process is alive. */
export async function findRunning(paths: StatePaths): Promise<RunningInfo | undefined> {
  const lock = readLock(paths.lockPath);
  if (!lock || !ownerAlive(lock)) return undefined;
  const health = lock.port ? await probeHealthz(lock.port) : undefined;
  return { lock, healthy: health?.stateDirId === stateDirIdOf(paths.stateDir) && health.pid === lock.pid };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The end of a start's own output (from offset on), at most maxBytes. */
function ownOutput(path: string, offset: number, maxBytes = 2_000): string {
  try {
    const buf = readFileSync(path).subarray(offset);
    return buf.subarray(Math.max(0, buf.length - maxBytes)).toString('utf8').trim();
  } catch {
    return '';
  }
}

/**
 * This start's own output file: a copy of gateway.out so far, then a header line; the child appends its
 * console to it. Two starts racing on one state dir each read only their own child's lines from it. The
 * header is also a write probe: a full or read-only disk fails here, in this process, with its own code.
 */
function openSegment(logPath: string, logsDir: string, nowMs: number): { segment: string; copied: number; offset: number } {
  const segment = join(logsDir, `.gateway.out.${randomBytes(6).toString('hex')}.start`);
  try {
    if (existsSync(logPath)) copyFileSync(logPath, segment);
    const copied = existsSync(segment) ? statSync(segment).size : 0;
    appendFileSync(segment, `--- gateway start ${new Date(nowMs).toISOString()} (cli pid ${process.pid}) ---\n`, { mode: 0o600 });
    return { segment, copied, offset: statSync(segment).size };
  } catch (err) {
    rmSync(segment, { force: true });
    throw asStorageError(err, logPath);
  }
}

/** The child's output becomes gateway.out: it replaces the file it is a copy of (the child keeps its descriptor). */
function keepSegment(segment: string, logPath: string): void {
  renameSync(segment, logPath);
}

/** A failed start's lines (from its header on) are appended to gateway.out for the record, and its own file removed. */
function dropSegment(segment: string, from: number, logPath: string): void {
  try {
    appendFileSync(logPath, readFileSync(segment).subarray(from), { mode: 0o600 });
  } catch {
    // the record is best effort; the cause was reported to the caller
  } finally {
    rmSync(segment, { force: true });
  }
}

/**
 * Start `gateway run` detached, its output added to logs/gateway.out, and wait until it answers. A child
 * that exits first is reported once with its own exit code (2: config, 7: another gateway owns the state
 * dir, 10: port taken, 14: disk full or read-only) and only its own output, never retried: supervisors must see
 * the cause, not a loop.
 */
export async function startBackground(paths: StatePaths, cliEntry: string, args: readonly string[], env: NodeJS.ProcessEnv, nowMs = Date.now()): Promise<LockInfo> {
  const logPath = daemonLogPath(paths);
  try {
    mkdirSync(paths.logsDir, { recursive: true, mode: 0o700 });
    // The JSON log files are the record; gateway.out only keeps the console, capped with one old copy.
    if (existsSync(logPath) && statSync(logPath).size > DAEMON_OUT_MAX_BYTES) renameSync(logPath, `${logPath}.1`);
  } catch (err) {
    throw asStorageError(err, logPath);
  }
  const { segment, copied, offset } = openSegment(logPath, paths.logsDir, nowMs);
  const out = openSync(segment, 'a', 0o600);
  const child = spawn(process.execPath, [cliEntry, 'gateway', 'run', ...args], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { CLAWGATE_LOG_LEVEL: 'warn', ...env, CLAWGATE_STATE_DIR: paths.stateDir },
  });
  closeSync(out);
  let exit: number | null | undefined;
  child.once('exit', (code, signal) => (exit = code ?? (signal ? 128 : 1)));
  child.unref();
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exit !== undefined) {
      const detail = ownOutput(segment, offset).split('\n').slice(-3).join(' | ');
      dropSegment(segment, copied, logPath);
      // 2: the child refused its config (an invalid key, a weak token): a config problem, not a crash to restart.
      if (exit === 2) throw new ClawgateError('CONFIG_INVALID', `the gateway did not start: ${detail}`);
      if (exit === 7) throw new ClawgateError('GATEWAY_ALREADY_RUNNING', `the gateway did not start: ${detail}`);
      if (exit === 10) throw new ClawgateError('PORT_IN_USE', `the gateway did not start: ${detail}`);
      if (exit === 14) throw new ClawgateError(/read-only/.test(detail) ? 'READ_ONLY_FILESYSTEM' : 'DISK_FULL', `the gateway did not start: ${detail || `it could not write in ${paths.stateDir} (full or read-only disk)`}`);
      throw new ClawgateError('INTERNAL', `the gateway exited with code ${exit} while starting: ${detail}; full output in ${logPath}`, { exitCode: exit });
    }
    const lock = readLock(paths.lockPath);
    if (lock && lock.pid === child.pid && lock.port) {
      if ((await probeHealthz(lock.port))?.pid === child.pid) {
        keepSegment(segment, logPath);
        return lock;
      }
    }
    await sleep(POLL_MS);
  }
  keepSegment(segment, logPath); // it may still come up: its output belongs in gateway.out
  throw new ClawgateError('GATEWAY_TIMEOUT', `the gateway (pid ${child.pid}) did not answer within ${START_TIMEOUT_MS / 1000} s; see ${logPath}`, { pid: child.pid });
}

/** SIGTERM the owner of the lock and wait until it has exited and its port is free. */
export async function stopBackground(lock: LockInfo): Promise<{ forced: boolean }> {
  process.kill(lock.pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!ownerAlive(lock) && !(lock.port && (await probeHealthz(lock.port, 200)))) return { forced: false };
    await sleep(POLL_MS);
  }
  process.kill(lock.pid, 'SIGKILL');
  while (ownerAlive(lock)) await sleep(POLL_MS);
  return { forced: true };
}
