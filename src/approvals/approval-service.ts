import type { Logger } from 'pino';
import type { ApprovalDecision } from '../protocol/methods/exec-approvals.js';
import type { AuditEvent } from '../store/audit.js';
import type { ExecApprovalRecord } from '../store/exec-approvals.js';
import type { Store } from '../store/store.js';
import { decideByPolicy } from './decision.js';
import { auditPolicyDecision, expireApproval, expireLeftovers, requestApproval, resolveApproval, type ApprovalActor, type ExpiryCause, type ResolveOutcome } from './operations.js';
import type { ExecApprovalAsk, ExecApprovalGate, ExecDecision, PendingApprovalNotice } from './types.js';

/** A change of a request that others (the Telegram channel) follow: it is pending, or it ended. */
export type ApprovalNotice = { readonly kind: 'requested' | 'resolved'; readonly approval: ExecApprovalRecord };

/** What the service needs from the gateway. */
export interface ApprovalServiceOptions {
  readonly store: Store;
  readonly log?: Logger | undefined;
  /** Apply what this process just wrote (the gateway's store watcher), so events go out without waiting for a poll. */
  readonly afterWrite?: () => void;
  readonly now?: () => number;
}

interface Waiter {
  readonly settle: (d: ExecDecision) => void;
  readonly timer: ReturnType<typeof setTimeout>;
  readonly unlisten: () => void;
}

/** Longest single timer; a longer approval timeout re-arms (Node caps timers at about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The ExecDecision a decided request stands for. */
export function execDecisionOf(r: ExecApprovalRecord): ExecDecision | undefined {
  const by = r.decidedBy !== undefined ? { decidedBy: r.decidedBy } : {};
  switch (r.status) {
    case 'pending':
      return undefined;
    case 'allowed-once':
      return { allowed: true, how: 'allow-once', approvalId: r.id, ...by };
    case 'allowed-always':
      return { allowed: true, how: 'allow-always', approvalId: r.id, ...by };
    case 'denied':
      return { allowed: false, how: 'denied', approvalId: r.id, ...by, reason: `the owner denied this command (${r.decidedBy ?? 'unknown'}); it did not run` };
    case 'expired': {
      const stopped = r.how === 'aborted' || r.how === 'gateway-stopping';
      const reason =
        r.how === 'aborted'
          ? 'the run was stopped while the command waited for approval; it did not run'
          : r.how === 'gateway-stopping'
            ? 'the gateway stopped while the command waited for approval; it did not run'
            : `nobody approved the command before its approval request ${r.id} expired; it did not run`;
      return { allowed: false, how: stopped ? 'aborted' : 'expired', approvalId: r.id, ...by, reason };
    }
  }
}

/**
 * The exec approval gate: the policy decides at once where it can (audited as exec.decided); otherwise a pending
 * request is stored and the call waits for its outcome, which comes from a resolve in this process (RPC, Telegram)
 * or from the CLI writing the store in another one (seen through the gateway's audit tail: onAuditRow). A request
 * expires to not allowed; a stopped run or gateway ends it the same way. It never ends allowed without a decider.
 */
export class ApprovalService implements ExecApprovalGate {
  readonly #opts: ApprovalServiceOptions;
  readonly #waiters = new Map<string, Waiter>();
  readonly #listeners = new Set<(n: ApprovalNotice) => void>();
  #closed = false;

  constructor(opts: ApprovalServiceOptions) {
    this.#opts = opts;
  }

  #now(): number {
    return this.#opts.now?.() ?? Date.now();
  }

  #afterWrite(): void {
    try {
      this.#opts.afterWrite?.();
    } catch (err) {
      this.#opts.log?.warn({ err: (err as Error).message }, 'approvals: applying a store change failed');
    }
  }

  async decide(ask: ExecApprovalAsk, hooks: { readonly signal: AbortSignal; onPending(notice: PendingApprovalNotice): void }): Promise<ExecDecision> {
    const { store } = this.#opts;
    const verdict = decideByPolicy(ask.policy, store.execAllowlist.patternsFor(ask.agentId), ask.command);
    if (verdict.kind !== 'ask') {
      auditPolicyDecision(store, ask, verdict.how, this.#now(), verdict.kind === 'allow' ? verdict.pattern : undefined);
      this.#afterWrite();
      return verdict.kind === 'allow' ? { allowed: true, how: verdict.how } : { allowed: false, how: verdict.how, reason: verdict.reason };
    }
    if (this.#closed) return { allowed: false, how: 'aborted', reason: 'the gateway is stopping; the command did not run' };
    if (hooks.signal.aborted) return { allowed: false, how: 'aborted', reason: 'the run was stopped before the command was asked about; it did not run' };
    const request = requestApproval(store, ask, this.#now(), ask.policy.approvalTimeoutMs);
    const decided = new Promise<ExecDecision>((resolve) => {
      const onAbort = () => this.#expire(request.id, 'aborted');
      hooks.signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.set(request.id, {
        settle: resolve,
        timer: this.#arm(request.id, request.expiresAtMs),
        unlisten: () => hooks.signal.removeEventListener('abort', onAbort),
      });
    });
    this.#afterWrite();
    try {
      hooks.onPending({ approvalId: request.id, expiresAtMs: request.expiresAtMs });
    } catch (err) {
      this.#opts.log?.warn({ approvalId: request.id, err: (err as Error).message }, 'approvals: the waiting notice failed');
    }
    // Decided between the insert and now (a very quick owner, or a resolve seen by the write above).
    this.#settle(request.id);
    return decided;
  }

  #arm(id: string, expiresAtMs: number): ReturnType<typeof setTimeout> {
    const wait = Math.max(0, expiresAtMs - this.#now());
    const timer = setTimeout(() => {
      if (wait > MAX_TIMER_MS) {
        const w = this.#waiters.get(id);
        if (w) this.#waiters.set(id, { ...w, timer: this.#arm(id, expiresAtMs) });
        return;
      }
      this.#expire(id, 'timeout');
    }, Math.min(wait, MAX_TIMER_MS));
    return timer;
  }

  #expire(id: string, cause: ExpiryCause): void {
    try {
      expireApproval(this.#opts.store, id, cause, this.#now());
      this.#afterWrite();
    } catch (err) {
      // The store could not be written: the waiter still ends as not allowed (never left hanging, never allowed).
      this.#opts.log?.warn({ approvalId: id, cause, err: (err as Error).message }, 'approvals: could not record the expiry');
      this.#finish(id, { allowed: false, how: cause === 'timeout' ? 'expired' : 'aborted', approvalId: id, reason: `the approval request ended (${cause}); the command did not run` });
      return;
    }
    this.#settle(id);
  }

  /** Wake the request's waiter when the stored request is decided. */
  #settle(id: string): void {
    if (!this.#waiters.has(id)) return;
    const r = this.#opts.store.execApprovals.get(id);
    const decision = r ? execDecisionOf(r) : { allowed: false as const, how: 'expired' as const, approvalId: id, reason: 'the approval request is gone from the store; the command did not run' };
    if (decision) this.#finish(id, decision);
  }

  #finish(id: string, d: ExecDecision): void {
    const w = this.#waiters.get(id);
    if (!w) return;
    this.#waiters.delete(id);
    clearTimeout(w.timer);
    w.unlisten();
    w.settle(d);
  }

  /** Decide a request for an actor in this process (RPC, Telegram); the waiter wakes at once. */
  resolve(idOrPrefix: string, decision: ApprovalDecision, actor: ApprovalActor): ResolveOutcome {
    const outcome = resolveApproval(this.#opts.store, idOrPrefix, decision, actor, this.#now());
    this.#afterWrite();
    this.#settle(outcome.approval.id);
    return outcome;
  }

  /**
   * A committed exec audit row, by any process, seen on the gateway's audit tail: wakes the waiter of a decided
   * request and tells the listeners (the Telegram channel's buttons).
   */
  onAuditRow(e: AuditEvent): void {
    if (!e.requestId || (e.kind !== 'exec.approval.requested' && e.kind !== 'exec.approval.resolved')) return;
    if (e.kind === 'exec.approval.resolved') this.#settle(e.requestId);
    const approval = this.#opts.store.execApprovals.get(e.requestId);
    if (!approval) return;
    // A request decided before its announcement was seen is not announced as pending.
    if (e.kind === 'exec.approval.requested' && approval.status !== 'pending') return;
    const notice: ApprovalNotice = { kind: e.kind === 'exec.approval.requested' ? 'requested' : 'resolved', approval };
    for (const listener of this.#listeners) {
      try {
        listener(notice);
      } catch (err) {
        this.#opts.log?.warn({ approvalId: approval.id, err: (err as Error).message }, 'approvals: a listener failed');
      }
    }
  }

  /** Follow requests as they become pending and end; returns the unsubscribe. */
  subscribe(listener: (n: ApprovalNotice) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** How many calls wait for the owner now. */
  get waiting(): number {
    return this.#waiters.size;
  }

  /** At gateway start: requests left pending by an earlier gateway end as expired (audited), never allowed. */
  expireLeftovers(): ExecApprovalRecord[] {
    const expired = expireLeftovers(this.#opts.store, this.#now());
    if (expired.length > 0) this.#opts.log?.info({ count: expired.length }, 'approvals: requests left pending by the previous gateway expired');
    return expired;
  }

  /** Stop: every waiting call ends as not allowed (its request expired, gateway-stopping); later asks are refused. */
  close(): void {
    this.#closed = true;
    for (const id of [...this.#waiters.keys()]) this.#expire(id, 'gateway-stopping');
  }
}
