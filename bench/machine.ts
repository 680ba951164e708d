/** Whole-machine CPU accounting, to tell how much of a phase's CPU went to unrelated processes. */
import { readFileSync } from 'node:fs';

const TICK = 100; // USER_HZ; /proc reports CPU time in these ticks

/** Busy CPU seconds of the whole machine since boot (all CPUs, excluding idle and iowait). */
export function machineBusySeconds(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = cpu;
  return (user! + nice! + system! + irq! + softirq! + steal!) / TICK;
}

/** CPU seconds of a process; withChildren adds its reaped children (e.g. CLI runs this process waited for). */
export function processCpuSeconds(pid: number | 'self', withChildren = false): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  // fields after ")" start at field 3: utime=14, stime=15, cutime=16, cstime=17 -> indexes 11..14
  return (f[11]! + f[12]! + (withChildren ? f[13]! + f[14]! : 0)) / TICK;
}

export function loadAverage(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

/** Snapshot now, before the gateway starts; later, the % of one core used by processes other than us and it. */
export function foreignCpu(): (gatewayPid: number) => number {
  const t0 = performance.now();
  const m0 = machineBusySeconds();
  const s0 = processCpuSeconds('self', true);
  return (gatewayPid) => {
    const elapsed = (performance.now() - t0) / 1000;
    const other = machineBusySeconds() - m0 - (processCpuSeconds('self', true) - s0) - processCpuSeconds(gatewayPid);
    return Math.max(0, (other / elapsed) * 100);
  };
}
