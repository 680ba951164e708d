// Runs the real `openclaw` CLI (2026.2.22, on Node 24) against our gateway, each
// identity in its own throwaway HOME + OPENCLAW_STATE_DIR so it never reads or
// writes the user's ~/.openclaw, and with nothing that could leave loopback.
//
// How the CLI finds the gateway (openclaw src/gateway/call.ts, protocol-v3 §11.2):
// with gateway.mode "local" and no --url it dials ws://127.0.0.1:<gateway.port>
// and takes the token from OPENCLAW_GATEWAY_TOKEN, then gateway.auth.token. We
// set both (same value), which is what a user on the gateway host has. We avoid
// --url/--token: with --url the CLI skips env/config credentials and the
// `devices` local fallback, i.e. a less typical path.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const CMD_TIMEOUT_MS = 30_000;

// Process groups of CLI runs in flight, so an interrupted run can end them
// (they are detached, so a terminal's Ctrl-C does not reach them).
const active = new Set();
export function killActive() {
  for (const pid of active) { try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } }
  active.clear();
}

// On Linux `gateway probe` runs `avahi-browse` for mDNS discovery (multicast on
// the LAN). openclaw has no switch for that, so put no-op stand-ins first on
// PATH; same for `dns-sd` (macOS path) and `tailscale` (tailnet hints).
function makeStubBin(root) {
  const bin = path.join(root, 'stub-bin');
  fs.mkdirSync(bin, { recursive: true });
  for (const name of ['avahi-browse', 'dns-sd', 'tailscale']) {
    fs.writeFileSync(path.join(bin, name), '#!/bin/sh\n# clawgate compat: no network discovery\nexit 0\n', { mode: 0o755 });
  }
  return bin;
}

/**
 * Creates one isolated openclaw identity.
 * @param {{tmpRoot:string, name:string, port:number, token?:string|null, tools:{tmp:string}}} o
 */
export function makeClient({ tmpRoot, name, port, token = null, tools }) {
  const root = fs.mkdtempSync(path.join(tmpRoot, `openclaw-${name}-`));
  const home = path.join(root, 'home');
  const stateDir = path.join(root, 'state');
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });

  // $OPENCLAW_STATE_DIR/openclaw.json is the CLI's default config path (JSON5;
  // plain JSON is valid). update.checkOnStart only matters to openclaw's own
  // gateway, but set it so nothing here ever asks npm for updates. The CLI logs
  // to /tmp/openclaw/openclaw-<date>.log unless logging.file says otherwise.
  const gateway = { mode: 'local', port };
  if (token) gateway.auth = { token };
  const config = { gateway, update: { checkOnStart: false }, logging: { file: path.join(root, 'openclaw.log') } };
  fs.writeFileSync(path.join(stateDir, 'openclaw.json'), JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });

  const env = {};
  // Drop anything that would point the CLI elsewhere (a developer's own
  // OPENCLAW_* / legacy CLAWDBOT_* vars, npm's lifecycle vars, NODE_OPTIONS).
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(OPENCLAW_|CLAWDBOT_|CLAWGATE_|npm_|NODE_OPTIONS$)/i.test(k)) continue;
    env[k] = v;
  }
  Object.assign(env, {
    HOME: home,
    USERPROFILE: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    OPENCLAW_STATE_DIR: stateDir,
    // openclaw loads its bundled extensions through jiti, which caches the
    // transpiled files under $TMPDIR/jiti; the first cold load takes ~50 s on
    // 2 cores. Keep that cache with the install (primed by warmUp below).
    TMPDIR: tools.tmp,
    PATH: `${makeStubBin(root)}${path.delimiter}${process.env.PATH ?? ''}`,
    // Network: no Bonjour advertising (gateway-side knob; harmless here).
    OPENCLAW_DISABLE_BONJOUR: '1',
    // Readability of the report only: no ANSI colours, no random tagline banner.
    NO_COLOR: '1',
    OPENCLAW_HIDE_BANNER: '1',
  });
  if (token) env.OPENCLAW_GATEWAY_TOKEN = token;
  return { name, root, home, stateDir, env, hasToken: Boolean(token) };
}

// Prime the jiti and Node compile caches under tools.tmp so that the first
// timed `health` does not spend its 30 s transpiling. `health` loads the
// plugins; it then fails to connect (nothing listens on port 1), which is fine.
export async function warmUp(tools, log) {
  fs.mkdirSync(tools.tmp, { recursive: true });
  const tmpRoot = fs.mkdtempSync(path.join(tools.tmp, 'warm-'));
  try {
    const client = makeClient({ tmpRoot, name: 'warm-up', port: 1, token: null, tools });
    log('priming openclaw\'s plugin cache (first `health` transpiles its bundled extensions; ~1 min)');
    const r = await runOpenclaw(tools, client, ['health', '--json', '--timeout', '2000'], 600_000);
    log(`primed in ${Math.round(r.ms / 1000)} s`);
    return r;
  } finally {
    fs.rmSync(tmpRoot, { recursive: true, force: true });
  }
}

// The device id this identity presents; the CLI creates it on first use.
export function deviceIdOf(client) {
  try {
    return JSON.parse(fs.readFileSync(path.join(client.stateDir, 'identity', 'device.json'), 'utf8')).deviceId ?? null;
  } catch { return null; }
}

/** The argv that runs `openclaw ...args` on Node 24 (also what the TUI steps start in tmux). */
export function openclawArgv(tools, args) {
  // openclaw re-spawns itself once just to add this flag; passing it up front
  // gives the same runtime in a single process, which a timeout can kill.
  return [tools.node, '--disable-warning=ExperimentalWarning', tools.openclaw, ...args];
}

/**
 * Runs `<node24> <openclaw bin> ...args` as `client`, with a hard timeout.
 * @returns {Promise<{args:string[], display:string, code:number|null, signal:string|null,
 *   timedOut:boolean, ms:number, stdout:string, stderr:string}>}
 */
export function runOpenclaw(tools, client, args, timeoutMs = CMD_TIMEOUT_MS) {
  const [node, ...nodeArgs] = openclawArgv(tools, args);
  const display = `[${client.name}] openclaw ${args.join(' ')}`;
  const t0 = Date.now();
  return new Promise((resolve) => {
    // cwd = the identity's own dir: openclaw loads ./.env from its cwd.
    const child = spawn(node, nodeArgs, {
      cwd: client.root, env: client.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    });
    if (child.pid) active.add(child.pid);
    let stdout = ''; let stderr = ''; let timedOut = false;
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const killGroup = (sig) => { try { process.kill(-child.pid, sig); } catch { /* already gone */ } };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), 2000).unref();
    }, timeoutMs);
    const done = (code, signal, extra = '') => {
      clearTimeout(timer);
      active.delete(child.pid);
      resolve({ args, display, code, signal, timedOut, ms: Date.now() - t0, stdout, stderr: stderr + extra });
    };
    child.on('error', (err) => done(null, null, `\n[harness] spawn failed: ${err.message}`));
    child.on('close', (code, signal) => done(code, signal));
  });
}

// Best-effort JSON from a command's stdout: whole text, else from the first
// '{' or '[' (in case a notice line precedes the JSON).
export function parseJsonOutput(text) {
  const s = text.trim();
  if (!s) return null;
  try { return JSON.parse(s); } catch { /* fall through */ }
  const i = s.search(/[{[]/);
  if (i > 0) { try { return JSON.parse(s.slice(i)); } catch { /* not JSON */ } }
  return null;
}
