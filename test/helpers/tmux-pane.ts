// A private tmux server that runs one full-screen program the way a person would see it: a detached session
// of a fixed size on its own socket (`tmux -L <unique name>`), so it never touches a user's tmux; keys go in
// with send-keys, the screen comes out with capture-pane. Used by the TUI tests and by test:compat.
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const TMUX_CALL_TIMEOUT_MS = 5_000;
const POLL_MS = 100;

// Every server started and not yet killed, so an interrupted run can end them (a tmux server is a daemon:
// nothing else would stop it when we die).
const live = new Set<Pane>();
process.on('exit', () => killAllPanes());

/** Kills every pane started here (synchronous: usable from a signal or exit handler). */
export function killAllPanes(): void {
  for (const pane of [...live]) pane.kill();
}

// The pane runs argv under sh, then prints one marker line with the exit code and the terminal's line
// discipline, so a test can tell that the program ended and gave the terminal back (canonical mode and echo
// on again). Then it waits, like a shell prompt would, so the pane keeps the program's last screen. The wait
// is bounded: if nobody kills the server, it goes away with its last pane.
const EXIT_MARKER = '[pane] program exited:';
const LINGER_S = 300;
const WRAPPER = `"$@"; rc=$?; printf '\\n%s code=%s tty=%s\\n' '${EXIT_MARKER}' "$rc" "$(stty -a 2>&1 | tr ' ;' '\\n\\n' | grep -E -x -- '-?(icanon|echo)' | tr '\\n' ' ')"; exec sleep ${LINGER_S}`;

/** How a program in a pane ended: its exit code and the tty flags (icanon, echo) it left. */
export interface PaneExit {
  code: number;
  tty: string[];
}

export interface PaneOptions {
  argv: string[];
  cwd: string;
  /** The program's whole environment (the tmux server starts with it and hands it to the pane). */
  env: NodeJS.ProcessEnv;
  /** Where the tmux config file goes. */
  dir: string;
  cols?: number;
  rows?: number;
}

/** One program in its own tmux server. */
export class Pane {
  readonly argv: string[];
  readonly cwd: string;
  readonly cols: number;
  readonly rows: number;
  readonly socket: string;
  readonly env: NodeJS.ProcessEnv;
  readonly conf: string;
  panePid: number | null = null;
  socketPath: string | null = null;
  lastScreen = '';

  constructor({ argv, cwd, env, dir, cols = 120, rows = 40 }: PaneOptions) {
    this.argv = argv;
    this.cwd = cwd;
    this.cols = cols;
    this.rows = rows;
    this.socket = `clawgate-pane-${process.pid}-${randomBytes(4).toString('hex')}`;
    // A tmux inside a user's tmux must not follow $TMUX to the user's server.
    this.env = { ...env };
    delete this.env['TMUX'];
    delete this.env['TMUX_PANE'];
    // Our own config (-f) instead of ~/.tmux.conf: no status line, so the program gets all the rows.
    this.conf = join(dir, 'tmux.conf');
    writeFileSync(this.conf, 'set-option -g status off\n');
  }

  /** Runs one tmux command on our socket; resolves to its stdout. */
  tmux(...args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile('tmux', ['-L', this.socket, '-f', this.conf, ...args], { env: this.env, timeout: TMUX_CALL_TIMEOUT_MS }, (err, stdout, stderr) => {
        if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') reject(new Error('tmux is not installed (apt install tmux): the TUI tests run the real TUI in a private tmux server'));
        else if (err) reject(new Error(`tmux ${args[0]}: ${String(stderr || err.message).trim()}`));
        else resolve(stdout);
      });
    });
  }

  async start(): Promise<void> {
    live.add(this);
    await this.tmux('new-session', '-d', '-s', 'pane', '-x', String(this.cols), '-y', String(this.rows), '-c', this.cwd, '/bin/sh', '-c', WRAPPER, 'sh', ...this.argv);
    const [pid, socketPath] = (await this.format('#{pane_pid} #{socket_path}')).split(' ');
    this.panePid = Number(pid) || null;
    this.socketPath = socketPath || null;
  }

  /** The visible screen as plain text (no colours), trailing blanks trimmed. */
  async capture(opts: { escapes?: boolean } = {}): Promise<string> {
    const out = await this.tmux('capture-pane', '-p', ...(opts.escapes ? ['-e'] : []), '-t', 'pane');
    const screen = out
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n')
      .trimEnd();
    if (!opts.escapes) this.lastScreen = screen;
    return screen;
  }

  /** Types text literally (no key names), as a paste-free burst of keystrokes. */
  type(text: string): Promise<string> {
    return this.tmux('send-keys', '-t', 'pane', '-l', text);
  }

  /** Presses named keys: Enter, Escape, C-c, ... */
  press(...keys: string[]): Promise<string> {
    return this.tmux('send-keys', '-t', 'pane', ...keys);
  }

  /** Resizes the window (the program gets SIGWINCH). */
  resize(cols: number, rows: number): Promise<string> {
    return this.tmux('resize-window', '-t', 'pane', '-x', String(cols), '-y', String(rows));
  }

  /** A tmux format of the pane (#{pane_dead}, #{cursor_flag}, ...). */
  async format(fmt: string): Promise<string> {
    return (await this.tmux('display-message', '-p', '-t', 'pane', fmt)).trim();
  }

  /** Polls the screen until test(screen) returns something truthy, or the deadline: {value, screen, ms}; value is null on timeout. */
  async waitFor<T>(test: (screen: string) => T | null | undefined | false, timeoutMs: number): Promise<{ value: T | null; screen: string; ms: number }> {
    const t0 = Date.now();
    for (;;) {
      const screen = await this.capture();
      const value = test(screen);
      if (value) return { value, screen, ms: Date.now() - t0 };
      if (Date.now() - t0 >= timeoutMs) return { value: null, screen, ms: Date.now() - t0 };
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /** The program's exit line, once the pane's shell printed it. */
  static exitOf(screen: string): PaneExit | null {
    const m = /\[pane\] program exited: code=(\d+) tty=(.*)$/m.exec(screen);
    return m ? { code: Number(m[1]), tty: m[2]!.trim().split(/\s+/).filter(Boolean) } : null;
  }

  /** Ends the server and anything left in the pane (synchronous, idempotent). */
  kill(): void {
    if (!live.has(this)) return;
    live.delete(this);
    spawnSync('tmux', ['-L', this.socket, '-f', this.conf, 'kill-server'], { env: this.env, stdio: 'ignore', timeout: TMUX_CALL_TIMEOUT_MS });
    // kill-server hangs the pane up; a program that ignores SIGHUP still goes (the pane's shell leads its group).
    if (this.panePid) {
      try {
        process.kill(-this.panePid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    // tmux leaves the socket file behind; it is ours alone (unique name).
    if (this.socketPath) rmSync(this.socketPath, { force: true });
  }
}
