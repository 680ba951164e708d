import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_BIN } from './gateway-process.js';
import { Pane, type PaneExit } from './tmux-pane.js';

/** How long a TUI test waits for something to appear on the screen. */
export const SCREEN_WAIT_MS = 15_000;

/** `clawgate tui` running in its own tmux server, as a person at a terminal would run it. */
export interface TuiPane {
  readonly pane: Pane;
  /** Waits until the screen matches; fails with the screen it last saw. */
  see(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  /** Waits until the screen no longer matches. */
  gone(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  /** Types a line and presses Enter. */
  enter(text: string): Promise<void>;
  /** Waits for the program to end: its exit code and the tty flags it left. */
  exited(timeoutMs?: number): Promise<PaneExit>;
  close(): void;
}

function matches(screen: string, p: RegExp | string): boolean {
  return typeof p === 'string' ? screen.includes(p) : p.test(screen);
}

/** Start the TUI against a state dir (its config names the gateway) in a pane of the given size. */
export async function startTui(opts: { stateDir: string; args?: string[]; env?: NodeJS.ProcessEnv; cols?: number; rows?: number }): Promise<TuiPane> {
  const dir = mkdtempSync(join(tmpdir(), 'cg-tui-'));
  const pane = new Pane({
    argv: [process.execPath, CLI_BIN, 'tui', ...(opts.args ?? [])],
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8', CLAWGATE_STATE_DIR: opts.stateDir, CLAWGATE_GATEWAY_TOKEN: '', ...opts.env },
    dir,
    cols: opts.cols ?? 100,
    rows: opts.rows ?? 30,
  });
  await pane.start();
  const wait = async (p: RegExp | string, want: boolean, timeoutMs: number) => {
    const r = await pane.waitFor((s) => matches(s, p) === want, timeoutMs);
    if (!r.value) throw new Error(`screen ${want ? 'never showed' : 'still shows'} ${String(p)} after ${timeoutMs} ms:\n${r.screen}`);
    return r.screen;
  };
  return {
    pane,
    see: (p, timeoutMs = SCREEN_WAIT_MS) => wait(p, true, timeoutMs),
    gone: (p, timeoutMs = SCREEN_WAIT_MS) => wait(p, false, timeoutMs),
    async enter(text) {
      await pane.type(text);
      await pane.press('Enter');
    },
    async exited(timeoutMs = SCREEN_WAIT_MS) {
      const r = await pane.waitFor((s) => Pane.exitOf(s), timeoutMs);
      if (!r.value) throw new Error(`the TUI did not exit within ${timeoutMs} ms:\n${r.screen}`);
      return r.value;
    },
    close() {
      pane.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
