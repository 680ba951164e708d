import { createInterface } from 'node:readline/promises';

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
}

/** The process's real terminal. */
export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    write: (text) => void process.stdout.write(text),
    env: process.env,
    isTTY: Boolean(process.stdin.isTTY && process.stdout.isTTY),
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
