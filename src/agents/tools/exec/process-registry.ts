import { randomBytes } from 'node:crypto';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { FINISHED_KEEP_MS, MAX_FINISHED_PER_SESSION, MAX_PROCESSES_PER_SESSION, MAX_PROCESSES_TOTAL } from './limits.js';
import { ManagedProcess, type StartRequest } from './managed-process.js';

/** What the registry is built with. */
export interface ProcessRegistryOptions {
  /** Directories no sandboxed command may see: the state dir and the owner's home. */
  readonly hidden: readonly string[];
  readonly now?: () => number;
}

export type { StartRequest } from './managed-process.js';

/**
 * The gateway's running (and recently finished) exec processes, per session. Bounded: processes running at
 * once per session and in all, finished ones kept for a while for poll and log. Foreground processes die
 * with their run (killRun), every process with its session (killSession) and with the gateway (closeAll).
 */
export class ProcessRegistry {
  readonly hidden: readonly string[];
  readonly #now: () => number;
  readonly #byId = new Map<string, ManagedProcess>();
  #closed = false;

  constructor(opts: ProcessRegistryOptions) {
    this.hidden = [...opts.hidden];
    this.#now = opts.now ?? Date.now;
  }

  #running(sessionKey?: string): ManagedProcess[] {
    return [...this.#byId.values()].filter((p) => p.status === 'running' && (sessionKey === undefined || p.sessionKey === sessionKey));
  }

  /** Forget finished processes past FINISHED_KEEP_MS, and beyond MAX_FINISHED_PER_SESSION per session. */
  #prune(): void {
    const now = this.#now();
    const finished = new Map<string, ManagedProcess[]>();
    for (const p of this.#byId.values()) {
      if (p.status === 'running') continue;
      if (now - (p.endedAtMs ?? now) > FINISHED_KEEP_MS) {
        this.#byId.delete(p.id);
        continue;
      }
      finished.set(p.sessionKey, [...(finished.get(p.sessionKey) ?? []), p]);
    }
    for (const list of finished.values()) {
      list.sort((a, b) => (b.endedAtMs ?? 0) - (a.endedAtMs ?? 0));
      for (const old of list.slice(MAX_FINISHED_PER_SESSION)) this.#byId.delete(old.id);
    }
  }

  /** Throws EXEC_PROCESS_LIMIT when the session or the gateway runs as many processes as allowed (asked before the owner is). */
  assertCapacity(sessionKey: string): void {
    if (this.#closed) throw new ClawgateError('AGENTS_STOPPING', 'the gateway is stopping; run the command again after it restarts');
    const mine = this.#running(sessionKey).length;
    if (mine >= MAX_PROCESSES_PER_SESSION) {
      throw new ClawgateError('EXEC_PROCESS_LIMIT', `this session already runs ${mine} processes (at most ${MAX_PROCESSES_PER_SESSION}); wait for one (process poll) or stop one (process kill) first`, { sessionKey });
    }
    const all = this.#running().length;
    if (all >= MAX_PROCESSES_TOTAL) {
      throw new ClawgateError('EXEC_PROCESS_LIMIT', `the gateway already runs ${all} processes (at most ${MAX_PROCESSES_TOTAL}); wait for some to end or stop them with process kill`, { sessionKey });
    }
  }

  /** Start a command (after its approval); throws EXEC_PROCESS_LIMIT when full. */
  async start(req: StartRequest): Promise<ManagedProcess> {
    this.#prune();
    this.assertCapacity(req.sessionKey);
    const id = `proc_${randomBytes(6).toString('hex')}`;
    const proc = await ManagedProcess.start({ id, ...req, now: this.#now });
    this.#byId.set(id, proc);
    // closeAll may have begun while it started: it must not escape the stop.
    if (this.#closed) await proc.stop('killed');
    return proc;
  }

  /** A process of this session; UNKNOWN_PROCESS for another session's or a forgotten one. */
  get(sessionKey: string, processId: string): ManagedProcess {
    this.#prune();
    const p = this.#byId.get(processId);
    if (!p || p.sessionKey !== sessionKey) {
      throw new ClawgateError('UNKNOWN_PROCESS', `no process ${processId} in this session (finished ones are kept ${FINISHED_KEEP_MS / 60_000} minutes); process list shows this session's processes`, { processId });
    }
    return p;
  }

  /** This session's processes, running and recently finished, oldest first. */
  list(sessionKey: string): ManagedProcess[] {
    this.#prune();
    return [...this.#byId.values()].filter((p) => p.sessionKey === sessionKey).sort((a, b) => a.startedAtMs - b.startedAtMs);
  }

  /** Processes running now in the whole gateway. */
  runningCount(): number {
    return this.#running().length;
  }

  async #stopAll(procs: ManagedProcess[]): Promise<number> {
    await Promise.all(procs.map((p) => p.stop('killed')));
    return procs.length;
  }

  /** Kill a session's processes (the session was deleted or reset) and forget them; resolves with how many ran. */
  async killSession(sessionKey: string): Promise<number> {
    const procs = [...this.#byId.values()].filter((p) => p.sessionKey === sessionKey);
    const n = await this.#stopAll(procs.filter((p) => p.status === 'running'));
    for (const p of procs) this.#byId.delete(p.id);
    return n;
  }

  /** Kill a run's foreground processes (the run ended, was aborted or timed out); background ones live on. */
  killRun(runId: string): Promise<number> {
    return this.#stopAll(this.#running().filter((p) => p.runId === runId && !p.background));
  }

  /** Kill every process and refuse new ones (the gateway stops). */
  closeAll(): Promise<number> {
    this.#closed = true;
    return this.#stopAll(this.#running());
  }
}
