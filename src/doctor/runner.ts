import type { DoctorContext } from './context.js';
import { CHECKS } from './registry.js';
import type { CheckOutcome, DoctorCheck, DraftFinding, Finding, Severity } from './types.js';
import { finding, worst } from './types.js';

/** Longest one check may take before it is reported as timed out. */
export const CHECK_TIMEOUT_MS = 8_000;

/** One check's result (stable JSON shape). */
export interface CheckReport {
  id: string;
  status: Severity;
  summary: string;
  findings: Finding[];
}

/** One fix attempt (stable JSON shape). */
export interface FixReport {
  check: string;
  finding: string;
  ok: boolean;
  action: string;
  backup?: string;
}

/** The whole doctor run. */
export interface DoctorReport {
  checks: CheckReport[];
  fixed: FixReport[];
}

export interface RunOptions {
  fix?: boolean;
  timeoutMs?: number;
  checks?: readonly DoctorCheck[];
}

async function runOne(check: DoctorCheck, ctx: DoctorContext, timeoutMs: number): Promise<CheckOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ summary: `did not finish within ${timeoutMs} ms`, findings: [finding('check-timeout', 'error', `${check.id} did not finish within ${timeoutMs} ms`, 'run clawgate doctor again; if it persists, something is hung (a locked store or a stalled gateway)')] }), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => check.run(ctx)), timeout]);
  } catch (err) {
    return { summary: 'crashed', findings: [finding('check-crashed', 'error', `${check.id} failed: ${(err as Error)?.message ?? String(err)}`, 'report this with the output of clawgate doctor --json')] };
  } finally {
    clearTimeout(timer);
  }
}

function report(id: string, outcome: CheckOutcome): CheckReport {
  const findings = outcome.findings.map(({ apply: _apply, ...f }) => f);
  return { id, status: findings.reduce<Severity>((s, f) => worst(s, f.severity), 'ok'), summary: outcome.summary, findings };
}

/**
 * Run every check concurrently (each bounded by a timeout) and collect all findings. With fix, apply each
 * fixable finding's safe fix one at a time, then run those checks again on a fresh context so the report
 * shows what remains.
 */
export async function runDoctor(makeContext: () => DoctorContext, opts: RunOptions = {}): Promise<DoctorReport> {
  const checks = opts.checks ?? CHECKS;
  const timeoutMs = opts.timeoutMs ?? CHECK_TIMEOUT_MS;
  const ctx = makeContext();
  const outcomes = await Promise.all(checks.map((c) => runOne(c, ctx, timeoutMs)));
  const fixed: FixReport[] = [];
  if (!opts.fix) return { checks: checks.map((c, i) => report(c.id, outcomes[i]!)), fixed };
  const touched = new Set<number>();
  for (const [i, outcome] of outcomes.entries()) {
    for (const f of outcome.findings as DraftFinding[]) {
      if (!f.apply) continue;
      touched.add(i);
      try {
        const done = await f.apply();
        fixed.push({ check: checks[i]!.id, finding: f.id, ok: true, action: done.action, ...(done.backup ? { backup: done.backup } : {}) });
      } catch (err) {
        fixed.push({ check: checks[i]!.id, finding: f.id, ok: false, action: `not fixed: ${(err as Error).message}` });
      }
    }
  }
  if (touched.size > 0) {
    const again = makeContext();
    await Promise.all([...touched].map(async (i) => (outcomes[i] = await runOne(checks[i]!, again, timeoutMs))));
  }
  return { checks: checks.map((c, i) => report(c.id, outcomes[i]!)), fixed };
}

/** True when any error finding remains. */
export function hasErrors(r: DoctorReport): boolean {
  return r.checks.some((c) => c.status === 'error');
}
