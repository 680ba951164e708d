/** How exec is guarded (tools.exec.security and tools.exec.ask, OpenClaw's names and values). */
export interface ExecPolicy {
  /** deny: nothing runs; allowlist: only allowlisted commands run without the owner; full: anything runs. */
  readonly security: 'deny' | 'allowlist' | 'full';
  /** off: never ask (a miss is refused); on-miss: ask for what the allowlist misses; always: ask every time. */
  readonly ask: 'off' | 'on-miss' | 'always';
  /** Command patterns from config that run without asking (the owner's "allow always" ones are stored). */
  readonly allowlist: readonly string[];
  /** How long an approval request waits for the owner before it expires to deny. */
  readonly approvalTimeoutMs: number;
}

/** A command the agent wants to run, as the owner is asked about it. */
export interface ExecApprovalAsk {
  readonly agentId: string;
  readonly sessionKey: string;
  readonly runId: string;
  readonly command: string;
  /** Working directory, absolute. */
  readonly cwd: string;
  /** True when it would run under the sandbox (shown to the owner). */
  readonly sandboxed: boolean;
  readonly policy: ExecPolicy;
}

/** How a decision was reached; stable strings, shown to the model, the owner and the audit log. */
export type ExecDecisionHow =
  | 'security-full'
  | 'allowlist'
  | 'allow-once'
  | 'allow-always'
  | 'security-deny'
  | 'ask-off-miss'
  | 'denied'
  | 'expired'
  | 'aborted';

/** The answer to an ExecApprovalAsk. `decidedBy` names the owner's device or channel user when one decided. */
export type ExecDecision =
  | { readonly allowed: true; readonly how: 'security-full' | 'allowlist' | 'allow-once' | 'allow-always'; readonly approvalId?: string; readonly decidedBy?: string }
  | { readonly allowed: false; readonly how: 'security-deny' | 'ask-off-miss' | 'denied' | 'expired' | 'aborted'; readonly approvalId?: string; readonly decidedBy?: string; readonly reason: string };

/** A pending approval as the run shows it while it waits. */
export interface PendingApprovalNotice {
  readonly approvalId: string;
  readonly expiresAtMs: number;
}

/**
 * The one question exec asks before anything runs. The approvals domain implements it (policy, stored
 * pending request, events, owner's resolution, expiry); exec never decides by itself.
 */
export interface ExecApprovalGate {
  decide(ask: ExecApprovalAsk, hooks: { readonly signal: AbortSignal; onPending(notice: PendingApprovalNotice): void }): Promise<ExecDecision>;
}
