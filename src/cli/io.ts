import { createInterface } from 'node:readline/promises';
import { openInBrowser } from './open-url.js';

/** Everything a command touches outside itself; tests pass their own. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Write text to stdout as is (no newline added), for streamed output; absent where output is collected. */
  write?(text: string): void;
  readonly env: NodeJS.ProcessEnv;
  readonly isTTY: boolean;
  /** Ask a question on the terminal; only called when isTTY. */
  prompt(question: string): Promise<string>;
  /** Open a link in this desktop's browser; resolves false where there is none (absent: never opens). */
  openUrl?(url: string): Promise<boolean>;
}

/** The process's real terminal. */
export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    write: (text) => void process.stdout.write(text),
    env: process.env,
    isTTY: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    openUrl: (url) => openInBrowser(url),
    async prompt(question) {
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
  };
}
