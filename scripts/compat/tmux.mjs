// A private tmux server that runs one full-screen program the way a person
// would see it: a detached session of a fixed size on its own socket
// (`tmux -L <unique name>`), so it never touches a user's tmux; keys go in with
// send-keys, the screen comes out with capture-pane.
import { execFile, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const TMUX_CALL_TIMEOUT_MS = 5_000;
const POLL_MS = 150;

// Every server started and not yet killed, so an interrupted run can end them
// (a tmux server is a daemon: nothing else would stop it when we die).
const live = new Set();
process.on('exit', () => killAllPanes());

/** Kills every pane started here (synchronous: usable from a signal or exit handler). */
export function killAllPanes() {
  for (const pane of [...live]) pane.kill();
}

// The pane runs `argv` under sh, then prints one marker line with the exit
// code and the terminal's line discipline, so a step can tell that the program
// ended and gave the terminal back (canonical mode and echo on again). Then it
// waits, like a shell prompt would, so the pane stays alive with the program's
// last screen and cursor state (a dead pane's cursor is tmux's, not the
// program's: tmux hides it). The wait is bounded: if nobody kills the server,
// it goes away with its last pane.
const EXIT_MARKER = '[compat] program exited:';
const LINGER_S = 300;
const WRAPPER = `"$@"; rc=$?; printf '\\n%s code=%s tty=%s\\n' '${EXIT_MARKER}' "$rc" "$(stty -a 2>&1 | tr ' ;' '\\n\\n' | grep -E -x -- '-?(icanon|echo)' | tr '\\n' ' ')"; exec sleep ${LINGER_S}`;

export class Pane {
  /**
   * @param {{argv:string[], cwd:string, env:Record<string,string>, dir:string, cols?:number, rows?:number}} o
   *   env: the program's whole environment (the tmux server starts with it and
   *   hands it to the pane); dir: where the tmux config file goes.
   */
  constructor({ argv, cwd, env, dir, cols = 120, rows = 40 }) {
    this.argv = argv;
    this.cwd = cwd;
    this.cols = cols;
    this.rows = rows;
    this.socket = `clawgate-compat-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
    // A tmux inside a user's tmux must not follow $TMUX to the user's server.
    this.env = { ...env };
    delete this.env.TMUX;
    delete this.env.TMUX_PANE;
    // Our own config (-f) instead of ~/.tmux.conf or /etc/tmux.conf: no status
    // line, so the program gets all the rows.
    this.conf = path.join(dir, 'tmux.conf');
    fs.writeFileSync(this.conf, 'set-option -g status off\n');
    this.panePid = null;
    this.socketPath = null;
    this.lastScreen = '';
  }

  /** Runs one tmux command on our socket; resolves to its stdout. */
  tmux(...args) {
    return new Promise((resolve, reject) => {
      execFile('tmux', ['-L', this.socket, '-f', this.conf, ...args], { env: this.env, timeout: TMUX_CALL_TIMEOUT_MS }, (err, stdout, stderr) => {
        if (err) reject(new Error(`tmux ${args[0]}: ${String(stderr || err.message).trim()}`));
        else resolve(stdout);
      });
    });
  }

  async start() {
    live.add(this);
    await this.tmux('new-session', '-d', '-s', 'compat', '-x', String(this.cols), '-y', String(this.rows), '-c', this.cwd,
      '/bin/sh', '-c', WRAPPER, 'sh', ...this.argv);
    const [pid, socketPath] = (await this.format('#{pane_pid} #{socket_path}')).split(' ');
    this.panePid = Number(pid) || null;
    this.socketPath = socketPath || null;
  }

  /** The visible screen as plain text (no colours), trailing blanks trimmed. */
  async capture() {
    const out = await this.tmux('capture-pane', '-p', '-t', 'compat');
    this.lastScreen = out.split('\n').map((l) => l.trimEnd()).join('\n').trimEnd();
    return this.lastScreen;
  }

  /** Types text literally (no key names), as a paste-free burst of keystrokes. */
  type(text) { return this.tmux('send-keys', '-t', 'compat', '-l', text); }

  /** Presses named keys: Enter, Escape, C-c, ... */
  press(...keys) { return this.tmux('send-keys', '-t', 'compat', ...keys); }

  /** A tmux format of the pane (#{pane_dead}, #{cursor_flag}, ...). */
  async format(fmt) { return (await this.tmux('display-message', '-p', '-t', 'compat', fmt)).trim(); }

  /**
   * Polls the screen until test(screen) returns something truthy, or the
   * deadline. Resolves to {value, screen, ms}; value is null on timeout.
   */
  async waitFor(test, timeoutMs) {
    const t0 = Date.now();
    for (;;) {
      const screen = await this.capture();
      const value = test(screen);
      if (value) return { value, screen, ms: Date.now() - t0 };
      if (Date.now() - t0 >= timeoutMs) return { value: null, screen, ms: Date.now() - t0 };
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /** The program's exit line, once the pane's shell printed it: {code, tty:[flags]} or null. */
  static exitOf(screen) {
    const m = screen.match(/\[compat\] program exited: code=(\d+) tty=(.*)$/m);
    return m ? { code: Number(m[1]), tty: m[2].trim().split(/\s+/).filter(Boolean) } : null;
  }

  /** Ends the server and anything left in the pane (synchronous, idempotent). */
  kill() {
    if (!live.has(this)) return;
    live.delete(this);
    spawnSync('tmux', ['-L', this.socket, '-f', this.conf, 'kill-server'], { env: this.env, stdio: 'ignore', timeout: TMUX_CALL_TIMEOUT_MS });
    // kill-server hangs the pane up; a program that ignores SIGHUP still goes.
    // The pane's shell leads its own process group (tmux made it a session leader).
    if (this.panePid) { try { process.kill(-this.panePid, 'SIGKILL'); } catch { /* gone */ } }
    // tmux leaves the socket file behind; it is ours alone (unique name).
    if (this.socketPath) fs.rmSync(this.socketPath, { force: true });
  }
}
