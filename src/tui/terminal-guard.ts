import { writeSync } from 'node:fs';

/** Switch to the alternate screen (the owner's scrollback is left as it was) and back. */
export const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
/** Leaves the alternate screen, shows the cursor, and ends bracketed paste and extended key reporting. */
export const RESTORE_TERMINAL = '\x1b[?2004l\x1b[<u\x1b[>4;0m\x1b[?25h\x1b[?1049l';

/**
 * Gives the terminal back on every way out: a normal stop, an uncaught exception or rejection (the error is
 * printed after the screen is restored, so the owner can read it), SIGTERM/SIGHUP, and process exit. The
 * restore is written synchronously so it lands even when the process is going down. Returns `restore`.
 */
export function guardTerminal(opts: { stdin: NodeJS.ReadStream; fd: number; onSignal: (signal: NodeJS.Signals) => void }): { restore: () => void; dispose: () => void } {
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      if (opts.stdin.isTTY && opts.stdin.setRawMode) opts.stdin.setRawMode(false);
    } catch {
      // stdin already gone
    }
    try {
      writeSync(opts.fd, RESTORE_TERMINAL);
    } catch {
      // the terminal is gone (hung up): nothing left to restore
    }
  };
  const crash = (err: unknown) => {
    restore();
    process.stderr.write(`clawgate tui crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(70);
  };
  const onTerm = () => opts.onSignal('SIGTERM');
  const onHup = () => opts.onSignal('SIGHUP');
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  process.on('SIGTERM', onTerm);
  process.on('SIGHUP', onHup);
  process.on('exit', restore);
  return {
    restore,
    dispose: () => {
      process.off('uncaughtException', crash);
      process.off('unhandledRejection', crash);
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', onHup);
      process.off('exit', restore);
    },
  };
}
