import { readFileSync } from 'node:fs';
import { FALLBACK_FILE_LIMIT, FD_RESERVE_MIN, FD_RESERVE_SHARE, MAX_CONNECTIONS, MIN_CONNECTION_CAP } from './limits.js';

/** The soft "Max open files" from the text of /proc/<pid>/limits; undefined when absent or unparseable. */
export function parseSoftFileLimit(procLimits: string): number | undefined {
  const line = procLimits.split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
  if (soft === 'unlimited') return Number.POSITIVE_INFINITY;
  const n = Number(soft);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** This process's soft file limit; Node has no API for it, so Linux's /proc is read and elsewhere a conservative default is assumed. */
export function softFileLimit(): number {
  try {
    return parseSoftFileLimit(readFileSync('/proc/self/limits', 'utf8')) ?? FALLBACK_FILE_LIMIT;
  } catch {
    return FALLBACK_FILE_LIMIT;
  }
}

/** How many inbound connections a process with this soft file limit may hold, leaving room for everything else. */
export function connectionCapFor(fileLimit: number): number {
  if (!Number.isFinite(fileLimit)) return MAX_CONNECTIONS;
  const reserve = Math.max(FD_RESERVE_MIN, Math.ceil(fileLimit * FD_RESERVE_SHARE));
  return Math.min(MAX_CONNECTIONS, Math.max(MIN_CONNECTION_CAP, fileLimit - reserve));
}

/** The cap for this process, from its file limit as it is now. */
export function defaultConnectionCap(): number {
  return connectionCapFor(softFileLimit());
}
