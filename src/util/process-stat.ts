import { readFileSync } from 'node:fs';

/** What the kernel says about a process: its state letter and when it started. */
export interface ProcessStat {
  /** `R`, `S`, `D`, `T`, `Z` (zombie), `X` (dead), ... (proc(5)). */
  readonly state: string;
  /** Start time in clock ticks since boot (field 22 of /proc/<pid>/stat): with the pid, it names one process for ever. */
  readonly startTicks: number;
}

/** Field 22 (starttime) counted from field 3 (state), the first field after the command name. */
const START_TIME_FROM_STATE = 22 - 3;

/**
 * /proc/<pid>/stat on Linux; undefined where there is no procfs (macOS) or the process is gone. The
 * command name may hold spaces and parentheses, so fields are counted from its last `)`.
 */
export function processStat(pid: number): ProcessStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const startTicks = Number(fields[START_TIME_FROM_STATE]);
  const state = fields[0];
  if (!state || !Number.isSafeInteger(startTicks)) return undefined;
  return { state, startTicks };
}

/** This process's start time in clock ticks since boot (undefined without procfs); recorded in lock files. */
export function ownStartTicks(): number | undefined {
  return processStat(process.pid)?.startTicks;
}
