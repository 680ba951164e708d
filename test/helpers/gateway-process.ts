import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { VALIDATE_RESULTS_ENV } from '../../src/cli/gateway-call.js';

/** Path of the built CLI entry (tests run from dist/test/...). */
export const CLI_BIN = resolve(fileURLToPath(import.meta.url), '../../../bundle/cli.js');

/** A fresh state dir (0700) with an optional clawgate.json. */
export function makeStateDir(config?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'cg-state-'));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (config !== undefined) writeFileSync(join(dir, 'clawgate.json'), JSON.stringify(config, null, 2), { mode: 0o600 });
  return dir;
}

/** A token that passes any entropy check. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export interface RunningGateway {
  readonly port: number;
  readonly url: string;
  readonly stateDir: string;
  readonly token: string | undefined;
  readonly child: ChildProcess;
  readonly output: () => string;
  stop(): Promise<number | null>;
}

export interface StartOptions {
  stateDir?: string;
  /** Config written before start (ignored when stateDir already has one and config is undefined). */
  config?: Record<string, unknown>;
  /** Gateway token to put in config (default: a random one). Pass null for none. */
  token?: string | null;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Listen on this port (a restart that clients must find again) instead of a fresh one. */
  port?: number;
}

/** A loopback port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

/**
 * Start a real gateway process on a free loopback port and wait until it listens. The port is written
 * to the state dir's config (gateway.port), so the CLI run with the same state dir finds it.
 */
export async function startGateway(opts: StartOptions = {}): Promise<RunningGateway> {
  // Test files run in parallel: another file's gateway may take the port between freePort() and listen.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      if (attempt >= 3 || !(err as Error).message.includes('already in use')) throw err;
    }
  }
}

async function startOnce(opts: StartOptions): Promise<RunningGateway> {
  const token = opts.token === null ? undefined : (opts.token ?? randomToken());
  const chosen = opts.port ?? (await freePort());
  const base = (opts.config ?? { gateway: { auth: token ? { mode: 'token', token } : { mode: 'token' } } }) as { gateway?: Record<string, unknown> };
  const config = { ...base, gateway: { ...(base.gateway ?? {}), port: chosen } };
  const stateDir = opts.stateDir ?? makeStateDir(config);
  if (opts.stateDir) writeFileSync(join(stateDir, 'clawgate.json'), JSON.stringify(config, null, 2), { mode: 0o600 });
  const child = spawn(process.execPath, [CLI_BIN, 'gateway', 'run', ...(opts.args ?? [])], {
    env: { ...process.env, CLAWGATE_STATE_DIR: stateDir, CLAWGATE_LOG_LEVEL: 'warn', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${out}`)), 15_000);
    const check = () => {
      const m = /listening on ws:\/\/[^\s]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolvePort(Number(m[1]));
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code} before listening:\n${out}`));
    });
  });
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    stateDir,
    token,
    child,
    output: () => out,
    stop: () =>
      new Promise((res) => {
        if (child.exitCode !== null) return res(child.exitCode);
        child.once('exit', (code) => res(code));
        child.kill('SIGTERM');
      }),
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment that makes the CLI check every gateway result against its method's definition. */
export const VALIDATING_CLI_ENV: NodeJS.ProcessEnv = { [VALIDATE_RESULTS_ENV]: '1' };

/** Run the real CLI in a child process (validating every result it gets). */
export function runCli(args: string[], opts: { stateDir?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliResult> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      env: { ...process.env, CLAWGATE_GATEWAY_TOKEN: '', ...VALIDATING_CLI_ENV, ...(opts.stateDir ? { CLAWGATE_STATE_DIR: opts.stateDir } : {}), ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(opts.input ?? '');
    child.on('exit', (code) => res({ code, stdout, stderr }));
  });
}
