import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { StatePaths } from '../config/paths.js';
import { ownerAlive, readLock, type LockInfo } from '../util/gateway-lock.js';
import { stateDirIdOf } from '../util/state-dir-id.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
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

function tail(path: string, maxBytes = 2_000): string {
  try {
    const size = statSync(path).size;
    return readFileSync(path).subarray(Math.max(0, size - maxBytes)).toString('utf8').trim();
  } catch {
    return '';
  }
}

/**
 * Start `gateway run` detached, output appended to logs/gateway.out, and wait until it answers. A child
 * that exits first is reported once with its own exit code (7: another gateway owns the state dir,
 * 10: port taken), never retried: supervisors must see the cause, not a loop.
 */
export async function startBackground(paths: StatePaths, cliEntry: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<LockInfo> {
  mkdirSync(paths.logsDir, { recursive: true, mode: 0o700 });
  const logPath = daemonLogPath(paths);
  // The JSON log files are the record; gateway.out only keeps the console, capped with one old copy.
  if (existsSync(logPath) && statSync(logPath).size > DAEMON_OUT_MAX_BYTES) renameSync(logPath, `${logPath}.1`);
  const out = openSync(logPath, 'a', 0o600);
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
      const detail = tail(logPath).split('\n').slice(-3).join(' | ');
      if (exit === 7) throw new ClawgateError('GATEWAY_ALREADY_RUNNING', `the gateway did not start: ${detail}`);
      if (exit === 10) throw new ClawgateError('PORT_IN_USE', `the gateway did not start: ${detail}`);
      throw new ClawgateError('INTERNAL', `the gateway exited with code ${exit} while starting: ${detail}; full output in ${logPath}`, { exitCode: exit });
    }
    const lock = readLock(paths.lockPath);
    if (lock && lock.pid === child.pid && lock.port) {
      if ((await probeHealthz(lock.port))?.pid === child.pid) return lock;
    }
    await sleep(POLL_MS);
  }
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
