import { spawn, type ChildProcess } from 'node:child_process';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import type { Launch } from './launch.js';
import { EXIT_DRAIN_MS, KILL_GRACE_MS, MAX_STDIN_WRITE_BYTES } from './limits.js';
import { OutputBuffer } from './output-buffer.js';

/** A process's state: running, or how it ended (exited by itself, stopped by its timeout, or killed). */
export type ProcessStatus = 'running' | 'exited' | 'timeout' | 'killed';

/** Why clawgate stops a process. */
export type StopReason = 'timeout' | 'killed';

/** What a managed process is started with. */
/** One command to start for a session's run. */
export interface StartRequest {
  readonly sessionKey: string;
  readonly runId: string;
  readonly command: string;
  readonly launch: Launch;
  /** Background processes outlive their run; foreground ones die with it. */
  readonly background: boolean;
  /** Keep stdin open for `process write`; otherwise the command reads end-of-file at once. */
  readonly keepStdin: boolean;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
}

/** A start request with the id the registry gave it and its clock. */
export interface ProcessSpec extends StartRequest {
  readonly id: string;
  readonly now: () => number;
}

/** A process as listed (no output). */
export interface ProcessInfo {
  readonly processId: string;
  readonly command: string;
  readonly cwd: string;
  readonly status: ProcessStatus;
  readonly background: boolean;
  readonly sandbox: 'bubblewrap' | 'host';
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly startedAtMs: number;
  readonly durationMs: number;
}

/** Processes alive in this gateway, killed synchronously if it exits without stopping them. */
const LIVE = new Set<ManagedProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Host commands run in their own session (so kill(-pgid) takes the tree) and would outlive a gateway
  // that exits without closeAll; sandboxed ones die with it anyway (--die-with-parent).
  process.on('exit', () => {
    for (const p of LIVE) p.kill();
  });
}

function signalGroup(pgid: number | undefined, signal: NodeJS.Signals): void {
  if (pgid === undefined) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: nothing left in the group.
  }
}

/** The sandbox init's pid from bwrap's info fd; undefined when bwrap ends without telling it. */
function readChildPid(stream: NodeJS.ReadableStream): Promise<number | undefined> {
  return new Promise((resolve) => {
    let text = '';
    stream.on('data', (d: Buffer) => {
      text += d.toString('utf8');
      const m = /"child-pid"\s*:\s*(\d+)/.exec(text);
      if (m) resolve(Number(m[1]));
    });
    stream.on('error', () => resolve(undefined));
    stream.on('close', () => resolve(undefined));
  });
}

/**
 * One command run by `/bin/sh -c` (directly or under bwrap) in its own process group: output kept within
 * the cap, a timeout, stdin writes, and stopping that takes the whole tree (SIGTERM, then SIGKILL after
 * KILL_GRACE_MS). When its shell exits, whatever it left running in its group is killed too.
 *
 * Under bwrap the command runs in the group of the sandbox's init (a child of bwrap, its pid read from
 * --info-fd), and that is the group a stop signals: SIGTERM reaches the command itself (the init ignores
 * it, as a namespace's init does), SIGKILL the init and so the whole namespace. Signalling only the outer
 * bwrap could orphan a sandbox still being set up (its --die-with-parent not armed yet).
 */
export class ManagedProcess {
  readonly id: string;
  readonly sessionKey: string;
  readonly runId: string;
  readonly command: string;
  readonly cwd: string;
  readonly sandbox: 'bubblewrap' | 'host';
  readonly startedAtMs: number;
  background: boolean;
  readonly #child: ChildProcess;
  readonly #output: OutputBuffer;
  readonly #now: () => number;
  readonly #ended: Promise<void>;
  readonly #ready: Promise<void>;
  #innerPid: number | undefined;
  #status: ProcessStatus = 'running';
  #stopReason: StopReason | undefined;
  #exitCode: number | null = null;
  #signal: string | null = null;
  #endedAtMs: number | undefined;
  #pollCursor = 0;
  #timer: NodeJS.Timeout | undefined;
  #killTimer: NodeJS.Timeout | undefined;
  #stdinOpen: boolean;

  private constructor(spec: ProcessSpec) {
    this.id = spec.id;
    this.sessionKey = spec.sessionKey;
    this.runId = spec.runId;
    this.command = spec.command;
    this.cwd = spec.launch.cwd;
    this.sandbox = spec.launch.sandbox;
    this.background = spec.background;
    this.#now = spec.now;
    this.startedAtMs = spec.now();
    this.#output = new OutputBuffer(spec.maxOutputBytes);
    this.#stdinOpen = spec.keepStdin;
    const infoFd = spec.launch.infoFd;
    const stdio: ('pipe' | 'ignore')[] = ['pipe', 'pipe', 'pipe'];
    if (infoFd !== undefined) {
      while (stdio.length < infoFd) stdio.push('ignore');
      stdio.push('pipe');
    }
    // Every listener is attached before the first tick, so no exit or output is missed.
    const child = spawn(spec.launch.file, [...spec.launch.args], { cwd: spec.launch.cwd, env: { ...spec.launch.env }, detached: true, stdio });
    this.#child = child;
    child.stdout!.on('data', (d: Buffer) => this.#output.append(d));
    child.stderr!.on('data', (d: Buffer) => this.#output.append(d));
    child.stdin!.on('error', () => undefined);
    if (!spec.keepStdin) child.stdin!.end();
    let spawned = false;
    this.#ended = new Promise<void>((resolve) => {
      child.on('error', (err) => {
        // A failed kill is reported here too; only a failed start ends the process.
        if (spawned) return;
        this.#output.append(Buffer.from(`could not start ${spec.launch.file}: ${err.message}\n`));
        this.#finish();
        resolve();
      });
      child.once('exit', (code, signal) => {
        this.#exitCode = code;
        this.#signal = signal;
        // What the shell left behind in its group goes with it.
        this.kill();
        const drained = setTimeout(() => {
          child.stdout!.destroy();
          child.stderr!.destroy();
        }, EXIT_DRAIN_MS);
        child.once('close', () => {
          clearTimeout(drained);
          this.#finish();
          resolve();
        });
      });
    });
    this.#ready = new Promise<void>((resolve, reject) => {
      child.once('error', (err) => {
        if (!spawned) reject(new ClawgateError('INTERNAL', `could not start ${spec.launch.file} for exec: ${err.message}`));
      });
      child.once('spawn', () => {
        spawned = true;
        if (infoFd === undefined) return resolve();
        // Read to its end: closing it early would kill bwrap with SIGPIPE as it writes the rest.
        void readChildPid(child.stdio[infoFd] as NodeJS.ReadableStream).then((pid) => {
          this.#innerPid = pid;
          resolve();
        });
      });
    });
    this.#timer = setTimeout(() => void this.stop('timeout'), spec.timeoutMs);
    LIVE.add(this);
    installExitHook();
  }

  /** Spawn the command; rejects (nothing left running) when it cannot start. */
  static async start(spec: ProcessSpec): Promise<ManagedProcess> {
    const proc = new ManagedProcess(spec);
    await proc.#ready;
    return proc;
  }

  #finish(): void {
    if (this.#endedAtMs !== undefined) return;
    clearTimeout(this.#timer);
    clearTimeout(this.#killTimer);
    this.#endedAtMs = this.#now();
    this.#status = this.#stopReason ?? 'exited';
    this.#stdinOpen = false;
    LIVE.delete(this);
  }

  get status(): ProcessStatus {
    return this.#status;
  }

  get endedAtMs(): number | undefined {
    return this.#endedAtMs;
  }

  /** Resolves when the process has ended and its output is read. */
  get ended(): Promise<void> {
    return this.#ended;
  }

  /** SIGKILL everything: the process group and, under bwrap, the sandbox's namespace. */
  kill(): void {
    signalGroup(this.#innerPid, 'SIGKILL');
    signalGroup(this.#child.pid, 'SIGKILL');
  }

  /** Stop the tree: SIGTERM to the command's group, SIGKILL after the grace; resolves when it has ended. */
  stop(reason: StopReason): Promise<void> {
    if (this.#status !== 'running') return this.#ended;
    if (!this.#stopReason) {
      this.#stopReason = reason;
      signalGroup(this.#innerPid ?? this.#child.pid, 'SIGTERM');
      this.#killTimer = setTimeout(() => this.kill(), KILL_GRACE_MS);
    }
    return this.#ended;
  }

  /** Write to stdin; returns the bytes written. */
  write(data: string, eof = false): number {
    if (this.#status !== 'running') throw new ClawgateError('INVALID_PARAMS', `process ${this.id} has ended (${this.#status}); nothing can be written to it`);
    if (!this.#stdinOpen) throw new ClawgateError('INVALID_PARAMS', `process ${this.id}'s stdin is closed; start the command with background: true (or yieldMs) to write to it`);
    const bytes = Buffer.from(data, 'utf8');
    if (bytes.length > MAX_STDIN_WRITE_BYTES) throw new ClawgateError('INVALID_PARAMS', `one write may carry at most ${MAX_STDIN_WRITE_BYTES} bytes; split the data`);
    if (bytes.length > 0) this.#child.stdin!.write(bytes);
    if (eof) {
      this.#child.stdin!.end();
      this.#stdinOpen = false;
    }
    return bytes.length;
  }

  /** Output printed since the last poll (with a marker where bytes were dropped). */
  poll(): { text: string; droppedBytes: number } {
    const slice = this.#output.since(this.#pollCursor);
    this.#pollCursor = this.#output.totalBytes;
    return slice;
  }

  /** All output kept, and how many bytes were dropped from its middle. */
  output(): { text: string; droppedBytes: number; totalBytes: number } {
    return { text: this.#output.text(), droppedBytes: this.#output.droppedBytes, totalBytes: this.#output.totalBytes };
  }

  info(): ProcessInfo {
    return {
      processId: this.id,
      command: this.command,
      cwd: this.cwd,
      status: this.#status,
      background: this.background,
      sandbox: this.sandbox,
      exitCode: this.#exitCode,
      signal: this.#signal,
      startedAtMs: this.startedAtMs,
      durationMs: (this.#endedAtMs ?? this.#now()) - this.startedAtMs,
    };
  }
}
