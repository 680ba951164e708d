import type { DoctorContext } from './context.js';

/** How bad a finding is; a check's status is its worst finding's severity ('ok' when it has none). */
export type Severity = 'ok' | 'info' | 'warn' | 'error';

/** What one fix did, for the report: never a secret, only paths, modes and counts. */
export interface FixApplied {
  action: string;
  backup?: string | undefined;
}

/** One finding as reported (stable JSON shape). */
export interface Finding {
  id: string;
  severity: Severity;
  message: string;
  /** The command or step that resolves it. */
  fix?: string | undefined;
  /** True when `doctor --fix` applies the fix (only safe, reversible ones). */
  fixable: boolean;
}

/** A finding as a check produces it: `apply` is the safe fix, present only when fixable. */
export interface DraftFinding extends Finding {
  apply?: (() => FixApplied | Promise<FixApplied>) | undefined;
}

/** What a check returns: a one-line summary and its findings. */
export interface CheckOutcome {
  summary: string;
  findings: DraftFinding[];
}

/** A named check; one file each under src/doctor/checks/. */
export interface DoctorCheck {
  readonly id: string;
  run(ctx: DoctorContext): CheckOutcome | Promise<CheckOutcome>;
}

/** Build a finding; it is fixable exactly when an apply function is given. */
export function finding(
  id: string,
  severity: Severity,
  message: string,
  fix?: string,
  apply?: () => FixApplied | Promise<FixApplied>,
): DraftFinding {
  return { id, severity, message, ...(fix !== undefined ? { fix } : {}), fixable: apply !== undefined, ...(apply ? { apply } : {}) };
}

const ORDER: Record<Severity, number> = { ok: 0, info: 1, warn: 2, error: 3 };

/** The worse of two severities. */
export function worst(a: Severity, b: Severity): Severity {
  return ORDER[b] > ORDER[a] ? b : a;
}
