import type { DoctorReport } from './runner.js';
import type { Severity } from './types.js';

const MARK: Record<Severity, string> = { ok: '✓', info: '✓', warn: '!', error: '✗' };

/** Human report: one line per check (✓/!/✗ id: summary), each finding with its fix, then what --fix did. */
export function renderReport(r: DoctorReport, fixRequested: boolean): string {
  const lines: string[] = [];
  for (const c of r.checks) {
    lines.push(`${MARK[c.status]} ${c.id}: ${c.summary}`);
    for (const f of c.findings) {
      lines.push(`    ${MARK[f.severity]} ${f.id}: ${f.message}`);
      if (f.fix) lines.push(`      fix: ${f.fix}${f.fixable && !fixRequested ? ' [clawgate doctor --fix]' : ''}`);
    }
  }
  for (const f of r.fixed) lines.push(`${f.ok ? 'fixed' : 'not fixed'} (${f.check}/${f.finding}): ${f.action}${f.backup ? `; backup ${f.backup}` : ''}`);
  const counts = { error: 0, warn: 0 };
  for (const c of r.checks) for (const f of c.findings) if (f.severity === 'error' || f.severity === 'warn') counts[f.severity]++;
  lines.push(counts.error + counts.warn === 0 ? 'No problems found.' : `${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warn} warning${counts.warn === 1 ? '' : 's'}.`);
  return lines.join('\n');
}
