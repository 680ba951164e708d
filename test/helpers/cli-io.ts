import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { VALIDATING_CLI_ENV } from './gateway-process.js';

/** What one in-process CLI run printed and returned. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** A CliIo that collects output; env is exactly what is given (no inherited token or state dir). */
export function collectingIo(env: NodeJS.ProcessEnv): CliIo & { outs: string[]; errs: string[] } {
  const outs: string[] = [];
  const errs: string[] = [];
  return {
    outs,
    errs,
    out: (text) => void outs.push(text),
    err: (text) => void errs.push(text),
    env,
    isTTY: false,
    prompt: () => Promise.reject(new Error('no terminal in tests')),
  };
}

/** Run the CLI in this process against a state dir (validating every result it gets). */
export async function cli(stateDir: string, ...argv: string[]): Promise<CliRun> {
  const io = collectingIo({ CLAWGATE_STATE_DIR: stateDir, ...VALIDATING_CLI_ENV });
  const code = await runCli(argv, io);
  return { code, out: io.outs.join('\n'), err: io.errs.join('\n') };
}

/** A temp state dir removed after the test. */
export function tempStateDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'cg-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
