/** Fresh-process CLI timing with peak RSS: wall time from spawn to exit, max RSS from /usr/bin/time -f %M. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize, type Summary } from '../stats.js';

const GNU_TIME = '/usr/bin/time';
const RUN_TIMEOUT_MS = 60_000;

export interface CliStats {
  label: string;
  wallMs: Summary;
  /** Peak RSS of the process in MB (NaN when /usr/bin/time is missing). */
  peakMb: Summary;
  runs: number;
  failures: string[];
  /** Runs whose output says the CLI answered from its own state dir instead of the gateway (openclaw). */
  localFallbacks: number;
}

interface Once {
  ms: number;
  peakMb: number;
  code: number | null;
  output: string;
}

function runOnce(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Once> {
  const dir = mkdtempSync(join(tmpdir(), 'cg-cmp-time-'));
  const out = join(dir, 'rss');
  const useTime = existsSync(GNU_TIME);
  const [file, argv] = useTime ? [GNU_TIME, ['-f', '%M', '-o', out, cmd, ...args]] : [cmd, args];
  return new Promise((res) => {
    const t0 = performance.now();
    const child = spawn(file, argv, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      clearTimeout(timer);
      let peakMb = NaN;
      try {
        peakMb = Number(readFileSync(out, 'utf8').trim().split('\n').pop()) / 1024;
      } catch {
        /* no figure */
      }
      rmSync(dir, { recursive: true, force: true });
      res({ ms, peakMb, code, output });
    });
  });
}

/** The first line that names an error (else the first line), without stack frames. */
function firstError(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('at '));
  return (lines.find((l) => /error|fail|denied|refused|required|unauthori/i.test(l)) ?? lines[0] ?? '(no output)').slice(0, 300);
}

/** One unmeasured warm-up, then `runs` measured fresh processes; non-zero exits are kept as failures. */
export async function timeCli(label: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, runs: number): Promise<CliStats> {
  const wall: number[] = [];
  const peak: number[] = [];
  const failures: string[] = [];
  let localFallbacks = 0;
  for (let i = 0; i <= runs; i++) {
    const r = await runOnce(cmd, args, env, cwd);
    if (/local fallback/i.test(r.output)) localFallbacks++;
    if (r.code !== 0) failures.push(`exit ${r.code}: ${firstError(r.output)}`);
    if (i === 0) continue;
    wall.push(r.ms);
    peak.push(r.peakMb);
  }
  return { label, wallMs: summarize(wall), peakMb: summarize(peak), runs, failures, localFallbacks };
}
