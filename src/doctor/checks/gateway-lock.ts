import { readFileSync, rmSync, statSync } from 'node:fs';
import { ownerAlive, readLock } from '../../util/gateway-lock.js';
import { backupFile } from '../backup.js';
import { gatewayProcessesFor, processName } from '../proc-scan.js';
import type { DoctorCheck, DraftFinding, FixApplied } from '../types.js';
import { finding } from '../types.js';

/** A lock younger than this may be mid-write by a starting gateway: never call it torn. */
const FRESH_LOCK_MS = 5_000;

/** Remove gateway.lock only if it is still the same stale content (a gateway may have started meanwhile). */
function removeStale(lockPath: string, expected: string, nowMs: number): FixApplied {
  const current = readFileSync(lockPath, 'utf8');
  if (current !== expected) throw new Error('gateway.lock changed meanwhile; left alone');
  const held = readLock(lockPath);
  if (held && ownerAlive(held)) throw new Error(`pid ${held.pid} is alive now; left alone`);
  const backup = backupFile(lockPath, nowMs);
  rmSync(lockPath, { force: true });
  return { action: `removed stale ${lockPath}`, backup };
}

/** gateway-lock: gateway.lock, whether its pid lives, and `gateway run` processes for this state dir. */
export const gatewayLock: DoctorCheck = {
  id: 'gateway-lock',
  run(ctx) {
    const lockPath = ctx.paths.lockPath;
    const { exists, info, alive } = ctx.lock();
    const procs = gatewayProcessesFor(ctx.paths.stateDir);
    const findings: DraftFinding[] = [];
    let summary: string;
    if (!exists) summary = 'no gateway.lock: no gateway runs on this state dir';
    else if (!info) {
      let raw = '';
      let ageMs = 0;
      try {
        raw = readFileSync(lockPath, 'utf8');
        ageMs = ctx.now() - statSync(lockPath).mtimeMs;
      } catch {
        // vanished meanwhile
      }
      summary = 'gateway.lock is unreadable';
      if (ageMs >= FRESH_LOCK_MS && procs.length === 0) {
        findings.push(finding('lock-torn', 'warn', `${lockPath} is unreadable (a torn write); the next gateway reclaims it`, 'clawgate doctor --fix (removes it, keeping a backup)', () => removeStale(lockPath, raw, ctx.now())));
      }
    } else if (alive) {
      const name = processName(info.pid);
      summary = `held by pid ${info.pid}${name ? ` (${name})` : ''}, port ${info.port ?? 'starting'}, version ${info.version}`;
      if (procs.length > 0 && !procs.includes(info.pid)) {
        findings.push(finding('lock-pid-not-gateway', 'warn', `lock pid ${info.pid} is alive but is not a gateway for this state dir (pid reused?)`, `stop the gateway (pids ${procs.join(', ')}) and start it again`));
      }
    } else {
      summary = `stale: pid ${info.pid} is gone (exited, a zombie, or its pid reused)`;
      findings.push(finding('lock-stale', 'warn', `${lockPath} names pid ${info.pid}, which is gone (exited, a zombie, or reused by another program); the next gateway reclaims it at once`, 'clawgate doctor --fix (removes it, keeping a backup)', () => removeStale(lockPath, readFileSync(lockPath, 'utf8'), ctx.now())));
    }
    if (procs.length > 1) {
      findings.push(finding('duplicate-gateways', 'error', `${procs.length} gateway processes use this state dir: pids ${procs.join(', ')}`, `stop all but pid ${alive && info ? info.pid : procs[0]} (kill PID), then clawgate doctor`));
    } else if (procs.length === 1 && !alive) {
      findings.push(finding('gateway-without-lock', 'error', `gateway process ${procs[0]} uses this state dir but holds no lock`, `stop it (kill ${procs[0]}) and start the gateway again`));
    }
    return { summary, findings };
  },
};
