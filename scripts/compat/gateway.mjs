// Starts a throwaway Clawgate gateway for the compat run: a fresh state dir, a
// random gateway token, a free loopback port, the built CLI
// (`dist/src/cli/main.js gateway run`), and a wait on GET /healthz.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const HEALTH_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 5_000;

// Ask the kernel for a free loopback port. There is a small window between
// closing this listener and the gateway binding it; fine for a one-off run.
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Same shape as the gateway's own tokens (protocol-v3 §9.1): 32 random bytes,
// base64url without padding, 43 chars.
export function randomToken() {
  return crypto.randomBytes(32).toString('base64url');
}

function httpGetStatus(url, timeoutMs) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => { req.destroy(); resolve(null); });
    req.on('error', () => resolve(null));
  });
}

// The gateway must be told only the state dir; strip CLAWGATE_* from the
// caller's env so a developer's own token or profile cannot leak in.
function gatewayEnv(stateDir) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^CLAWGATE_/i.test(k)) env[k] = v;
  env.CLAWGATE_STATE_DIR = stateDir;
  return env;
}

/**
 * @param {{repoRoot: string, tmpRoot: string, extraConfig?: object}} opts
 *   extraConfig: more top-level clawgate.json keys (models, agents); `gateway` is ours.
 * @returns {Promise<{port:number, token:string, stateDir:string, logFile:string, pid:number,
 *   command:string, logTail:(n?:number)=>string, stop:()=>Promise<string>}>}
 */
// The built CLI entry: package.json "bin".clawgate (what `npx clawgate` runs),
// else dist/src/cli/main.js (the entry this harness was first written for).
export function gatewayCli(repoRoot) {
  let bin = null;
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.clawgate ?? null;
  } catch { /* fall back below */ }
  return path.join(repoRoot, bin ?? path.join('dist', 'src', 'cli', 'main.js'));
}

export async function startGateway({ repoRoot, tmpRoot, extraConfig = {} }) {
  const cli = gatewayCli(repoRoot);
  if (!fs.existsSync(cli)) throw new Error(`${cli} not found; build first (npm run build)`);

  const stateDir = fs.mkdtempSync(path.join(tmpRoot, 'gateway-state-'));
  fs.chmodSync(stateDir, 0o700);
  const port = await freePort();
  const token = randomToken();
  const config = { ...extraConfig, gateway: { port, auth: { mode: 'token', token } } };
  fs.writeFileSync(path.join(stateDir, 'clawgate.json'), JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });

  // The log lives outside the state dir so the gateway owns its dir alone.
  const logFile = path.join(tmpRoot, 'gateway.log');
  const logFd = fs.openSync(logFile, 'a');
  const args = [cli, 'gateway', 'run', '--port', String(port)];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: gatewayEnv(stateDir),
    stdio: ['ignore', logFd, logFd],
  });
  fs.closeSync(logFd);
  const command = `CLAWGATE_STATE_DIR=${stateDir} ${process.execPath} ${args.map((a) => path.relative(repoRoot, a) || a).join(' ')}`;

  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => { exited = { code, signal }; resolve(exited); });
    child.on('error', (err) => { exited = { code: null, signal: null, error: err.message }; resolve(exited); });
  });
  // If this script dies unexpectedly, do not leave a gateway behind.
  const killOnExit = () => { if (!exited) try { child.kill('SIGKILL'); } catch { /* gone */ } };
  process.on('exit', killOnExit);

  const logTail = (n = 4000) => {
    try { const s = fs.readFileSync(logFile, 'utf8'); return s.length > n ? '…' + s.slice(-n) : s; } catch { return ''; }
  };

  const stop = async () => {
    process.off('exit', killOnExit);
    if (exited) return describeExit(exited, 'had already exited');
    child.kill('SIGTERM');
    const t = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, STOP_GRACE_MS);
    const r = await exitPromise;
    clearTimeout(t);
    return describeExit(r, r.signal === 'SIGKILL' ? `did not exit within ${STOP_GRACE_MS} ms of SIGTERM; killed` : 'stopped on SIGTERM');
  };

  // Poll /healthz until 200, the deadline, or the process exiting early.
  const url = `http://127.0.0.1:${port}/healthz`;
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let lastStatus = null;
  while (Date.now() < deadline) {
    if (exited) break;
    lastStatus = await httpGetStatus(url, 1000);
    if (lastStatus === 200) {
      return { port, token, stateDir, logFile, pid: child.pid, command, logTail, stop };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const why = exited
    ? `gateway exited before answering /healthz (${describeExit(exited, 'exited')})`
    : `GET ${url} did not answer 200 within ${HEALTH_TIMEOUT_MS} ms (last: ${lastStatus ?? 'no answer'})`;
  await stop();
  const err = new Error(why);
  err.command = command;
  err.token = token; // so the caller can mask it
  throw err;
}

function describeExit(r, what) {
  const parts = [what];
  if (r.code !== null && r.code !== undefined) parts.push(`exit code ${r.code}`);
  if (r.signal) parts.push(`signal ${r.signal}`);
  if (r.error) parts.push(r.error);
  return parts.join(', ');
}

export function makeTmpRoot() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'clawgate-compat-'));
}
