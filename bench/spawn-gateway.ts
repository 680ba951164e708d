/** Start a real gateway as a child process on a fresh temp state dir and watch it (/proc based). */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { freePort } from '../test/helpers/gateway-process.js';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/bench/spawn-gateway.js -> dist/bundle/cli.js (what package.json's bin ships) */
export const CLI_BIN = resolve(fileURLToPath(import.meta.url), '../../bundle/cli.js');

/** The parent env without any CLAWGATE_* that could redirect the child. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CLAWGATE_')) env[k] = v;
  return { ...env, ...extra };
}


export interface Gateway {
  child: ChildProcess;
  pid: number;
  port: number;
  url: string;
  token: string;
  stateDir: string;
  /** ms from spawn() to the "listening" stdout line, and to the first 200 from /healthz. */
  listenMs: number;
  healthzMs: number;
  /** Everything the gateway wrote to stderr (warnings, crashes). */
  stderr(): string;
  exited(): { code: number | null; signal: string | null } | undefined;
  stop(): Promise<void>;
}

/** One GET /healthz; resolves true on 200, false on any error. */
function probe(port: number): Promise<boolean> {
  return new Promise((res) => {
    const req = get({ host: '127.0.0.1', port, path: '/healthz', agent: false, timeout: 1000 }, (r) => {
      r.resume();
      r.on('end', () => res(r.statusCode === 200));
    });
    req.on('error', () => res(false));
    req.on('timeout', () => req.destroy());
  });
}

/**
 * Spawn `clawgate gateway run` with a fresh state dir and a preset token; resolve once /healthz answers.
 * `extraConfig` adds top-level config sections (e.g. models, agents) beside the gateway section.
 */
export async function startGateway(extraConfig: Record<string, unknown> = {}): Promise<Gateway> {
  const port = await freePort();
  const token = randomBytes(32).toString('base64url');
  const stateDir = mkdtempSync(join(tmpdir(), 'cg-bench-'));
  writeFileSync(join(stateDir, 'clawgate.json'), JSON.stringify({ ...extraConfig, gateway: { port, auth: { mode: 'token', token } } }), { mode: 0o600 });
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI_BIN, 'gateway', 'run'], { env: cleanEnv({ CLAWGATE_STATE_DIR: stateDir, CLAWGATE_LOG_LEVEL: 'warn' }), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let exit: { code: number | null; signal: string | null } | undefined;
  child.once('exit', (code, signal) => (exit = { code, signal }));
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
  const listening = new Promise<number>((res, rej) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/listening on ws:\/\//.test(out)) res(performance.now() - t0);
    });
    child.once('exit', (code) => rej(new Error(`gateway exited (${code}) before listening: ${out}${err}`)));
  });
  const healthz = (async () => {
    const deadline = t0 + 15_000;
    while (performance.now() < deadline && !exit) {
      if (await probe(port)) return performance.now() - t0;
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error(`/healthz never answered: ${out}${err}`);
  })();
  const [listenMs, healthzMs] = await Promise.all([listening, healthz]);
  return {
    child,
    pid: child.pid!,
    port,
    url: `ws://127.0.0.1:${port}`,
    token,
    stateDir,
    listenMs,
    healthzMs,
    stderr: () => err,
    exited: () => exit,
    stop: () =>
      new Promise<void>((res) => {
        const done = () => {
          rmSync(stateDir, { recursive: true, force: true });
          res();
        };
        if (exit) return done();
        const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(kill);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Resident set of a whole process in MiB (VmRSS; VmHWM is the peak). */
export function memOf(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}
