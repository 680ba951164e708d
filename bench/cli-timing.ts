/** Wall time of fresh CLI processes (spawn to exit), and a CPU-profile summary of one call. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize, type Summary } from './stats.js';

interface RunOutcome {
  ms: number;
  code: number | null;
  output: string;
}

function runOnce(args: string[], env: NodeJS.ProcessEnv): Promise<RunOutcome> {
  return new Promise((res) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => res({ ms: performance.now() - t0, code, output }));
  });
}

export interface CliTiming extends Summary {
  command: string;
  warmups: number;
  failures: string[];
}

/** `warmups` unmeasured runs, then `runs` measured ones; a non-zero exit is recorded as a failure. */
export async function timeCommand(label: string, args: string[], env: NodeJS.ProcessEnv, runs: number, warmups = 1): Promise<CliTiming> {
  const failures: string[] = [];
  const samples: number[] = [];
  for (let i = 0; i < warmups + runs; i++) {
    const r = await runOnce(args, env);
    if (r.code !== 0) failures.push(`exit ${r.code}: ${r.output.trim().slice(0, 300)}`);
    if (i >= warmups) samples.push(r.ms);
  }
  return { command: label, warmups, failures, ...summarize(samples) };
}

export interface ProfileSummary {
  totalMs: number;
  /** Self time grouped by module (package name, or path under the repo, or node: builtin). */
  topModules: { module: string; selfMs: number; pct: number }[];
}

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

/** Bucket for a frame: the module loader, a package, a file of this repo, or another node: internal. */
function moduleOf(url: string): string {
  if (url.includes('internal/modules/') || url.includes('cjs-module-lexer')) return 'node module loader (resolve/read/compile)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + 13).split('/');
    return rest.slice(0, rest[0]!.startsWith('@') ? 2 : 1).join('/');
  }
  // this repo's own code, by directory (dist/src/cli, dist/src/protocol, ...)
  return path.startsWith(ROOT) ? relative(ROOT, path).split('/').slice(0, 3).join('/') : path;
}

/** Run one call under --cpu-prof and sum self time per module (sample counts x sampling interval). */
export async function profileCommand(args: string[], env: NodeJS.ProcessEnv, top = 8): Promise<ProfileSummary> {
  const dir = mkdtempSync(join(tmpdir(), 'cg-prof-'));
  try {
    await runOnce(['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '200', ...args], env);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) return { totalMs: 0, topModules: [] };
    const prof = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      nodes: { id: number; children?: number[]; callFrame: { url: string; functionName: string } }[];
      samples: number[];
      timeDeltas: number[];
    };
    const byNode = new Map(prof.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    // Native frames and node: internals count toward the nearest loader or package/file frame that called them.
    const bucket = (id: number): string => {
      const fn = byNode.get(id)!.callFrame.functionName;
      if (fn === '(idle)') return '(idle: waiting on I/O)';
      if (fn === '(garbage collector)') return '(garbage collector)';
      if (fn === '(program)') return '(program: V8/native)';
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const url = byNode.get(cur)!.callFrame.url;
        if (!url || (url.startsWith('node:') && !moduleOf(url).startsWith('node module loader'))) continue;
        return moduleOf(url);
      }
      return 'node: bootstrap/internals';
    };
    const self = new Map<string, number>();
    prof.samples.forEach((id, i) => {
      const key = bucket(id);
      self.set(key, (self.get(key) ?? 0) + (prof.timeDeltas[i] ?? 0) / 1000);
    });
    const totalMs = [...self.values()].reduce((a, b) => a + b, 0);
    const topModules = [...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([module, selfMs]) => ({ module, selfMs, pct: (selfMs / totalMs) * 100 }));
    return { totalMs, topModules };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
