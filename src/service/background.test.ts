import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statePathsOf, type StatePaths } from '../config/paths.js';
import { pidAlive } from '../util/gateway-lock.js';
import { stateDirIdOf } from '../util/state-dir-id.js';
import { daemonLogPath, DAEMON_OUT_MAX_BYTES, findRunning, startBackground, stopBackground } from './background.js';
import { probeEndpoint } from './probe.js';

/**
 * A stand-in for `clawgate gateway run`: a real short-lived process that does what startBackground waits
 * for (gateway.lock with its pid and port, /healthz naming its pid and state-dir id), or exits with a code.
 */
const STAND_IN = `
import { createServer } from 'node:http';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const args = process.argv.slice(2);
if (args[0] !== 'gateway' || args[1] !== 'run') { console.error('stand-in: expected gateway run, got', args.join(' ')); process.exit(64); }
const exitAt = args.indexOf('--exit');
if (exitAt >= 0) {
  console.error('stand-in: refusing to start, exit ' + args[exitAt + 1]);
  process.exit(Number(args[exitAt + 1]));
}
const stateDir = process.env.CLAWGATE_STATE_DIR;
const lockPath = join(stateDir, 'gateway.lock');
console.log('stand-in: state dir ' + stateDir + ', log level ' + process.env.CLAWGATE_LOG_LEVEL + ', args ' + args.slice(2).join(' '));
const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ ok: true, version: 'stand-in', pid: process.pid, uptimeMs: 1, stateDirId: process.env.STAND_IN_STATE_DIR_ID }));
});
server.listen(0, '127.0.0.1', () => {
  writeFileSync(lockPath, JSON.stringify({ pid: process.pid, port: server.address().port, startedAtMs: Date.now(), version: 'stand-in' }));
});
process.on('SIGTERM', () => {
  if (args.includes('--ignore-term')) return;
  server.close();
  server.closeAllConnections();
  rmSync(lockPath, { force: true });
  process.exit(0);
});
`;

interface Install {
  readonly paths: StatePaths;
  readonly entry: string;
  readonly env: NodeJS.ProcessEnv;
}

/** A fresh state dir and the stand-in CLI entry; any process still alive at the end is killed. */
function install(t: TestContext): Install {
  const dir = mkdtempSync(join(tmpdir(), 'cg-bg-'));
  const stateDir = join(dir, 'state');
  mkdirSync(stateDir, { mode: 0o700 });
  const entry = join(dir, 'stand-in.mjs');
  writeFileSync(entry, STAND_IN);
  const paths = statePathsOf(stateDir);
  t.after(() => {
    try {
      const lock = JSON.parse(readFileSync(paths.lockPath, 'utf8')) as { pid: number };
      if (lock.pid !== process.pid && pidAlive(lock.pid)) process.kill(lock.pid, 'SIGKILL');
    } catch {
      // no lock left: nothing runs
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return { paths, entry, env: { PATH: process.env['PATH'], STAND_IN_STATE_DIR_ID: stateDirIdOf(stateDir) } };
}

test('start runs `gateway run` detached for this state dir and returns its lock once /healthz answers with its pid', async (t) => {
  const { paths, entry, env } = install(t);
  const lock = await startBackground(paths, entry, ['--port', '0'], env);
  assert.ok(pidAlive(lock.pid));
  assert.notEqual(lock.pid, process.pid);
  assert.equal(typeof lock.port, 'number');
  assert.equal((await probeEndpoint('127.0.0.1', lock.port!)).pid, lock.pid);
  const out = readFileSync(daemonLogPath(paths), 'utf8');
  assert.match(out, new RegExp(`stand-in: state dir ${paths.stateDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, log level warn, args --port 0`), 'CLAWGATE_STATE_DIR is set, the console log level defaults to warn, the args are passed');
  assert.equal(daemonLogPath(paths), join(paths.logsDir, 'gateway.out'));

  const running = await findRunning(paths);
  assert.deepEqual(running, { lock, healthy: true });

  assert.deepEqual(await stopBackground(lock), { forced: false });
  assert.equal(pidAlive(lock.pid), false);
  assert.equal((await probeEndpoint('127.0.0.1', lock.port!)).listening, false, 'the port is free when stop returns');
  assert.equal(await findRunning(paths), undefined);
});

test('the environment given to start wins over the default log level, but never over the state dir', async (t) => {
  const { paths, entry, env } = install(t);
  const lock = await startBackground(paths, entry, [], { ...env, CLAWGATE_LOG_LEVEL: 'debug', CLAWGATE_STATE_DIR: '/somewhere/else' });
  t.after(() => stopBackground(lock));
  assert.match(readFileSync(daemonLogPath(paths), 'utf8'), /log level debug/);
  assert.ok(readFileSync(daemonLogPath(paths), 'utf8').includes(`state dir ${paths.stateDir},`));
});

test('a child that exits while starting is reported once with the cause of its exit code and the end of its output', async (t) => {
  const { paths, entry, env } = install(t);
  await assert.rejects(startBackground(paths, entry, ['--exit', '7'], env), (err: any) => {
    assert.equal(err.code, 'GATEWAY_ALREADY_RUNNING');
    assert.match(err.message, /stand-in: refusing to start, exit 7/);
    return true;
  });
  await assert.rejects(startBackground(paths, entry, ['--exit', '10'], env), { code: 'PORT_IN_USE' });
  await assert.rejects(startBackground(paths, entry, ['--exit', '3'], env), (err: any) => {
    assert.equal(err.code, 'INTERNAL');
    assert.equal(err.details.exitCode, 3);
    assert.ok(err.message.includes(daemonLogPath(paths)), 'names where the full output is');
    return true;
  });
  const out = readFileSync(daemonLogPath(paths), 'utf8');
  assert.equal(out.match(/refusing to start/g)?.length, 3, 'each start appends to gateway.out; nothing is retried');
});

test('start rotates a gateway.out larger than the cap to gateway.out.1 and starts a new one; a small one is appended to', async (t) => {
  const { paths, entry, env } = install(t);
  mkdirSync(paths.logsDir, { recursive: true });
  const log = daemonLogPath(paths);
  writeFileSync(log, 'old small output\n');
  await assert.rejects(startBackground(paths, entry, ['--exit', '3'], env));
  assert.match(readFileSync(log, 'utf8'), /^old small output\n[\s\S]*refusing to start/);
  assert.equal(existsSync(`${log}.1`), false);

  writeFileSync(log, 'x'.repeat(DAEMON_OUT_MAX_BYTES + 1));
  await assert.rejects(startBackground(paths, entry, ['--exit', '3'], env));
  assert.equal(readFileSync(`${log}.1`, 'utf8').length, DAEMON_OUT_MAX_BYTES + 1, 'the old output is kept once');
  assert.match(readFileSync(log, 'utf8'), /^--- gateway start \S+ \(cli pid \d+\) ---\nstand-in: refusing to start, exit 3\n$/);
});

test('each start reports only its own child\'s output, though gateway.out keeps every start in order', async (t) => {
  const { paths, entry, env } = install(t);
  const log = daemonLogPath(paths);
  mkdirSync(paths.logsDir, { recursive: true });
  writeFileSync(log, 'stand-in: refusing to start, exit 7 (an earlier start)\n');
  const running = await startBackground(paths, entry, [], env);
  t.after(() => stopBackground(running));
  await assert.rejects(startBackground(paths, entry, ['--exit', '7'], env), (err: any) => {
    assert.equal(err.code, 'GATEWAY_ALREADY_RUNNING');
    assert.equal(err.message, 'the gateway did not start: stand-in: refusing to start, exit 7', 'neither the earlier start nor the running child');
    return true;
  });
  const out = readFileSync(log, 'utf8');
  assert.match(out, /^stand-in: refusing to start, exit 7 \(an earlier start\)\n--- gateway start [^\n]+\nstand-in: state dir [^\n]+\n--- gateway start [^\n]+\nstand-in: refusing to start, exit 7\n$/);
  assert.deepEqual(readdirSync(paths.logsDir), ['gateway.out'], 'no start file is left behind');
});

test('findRunning: nothing without a lock or with the lock of a dead pid', async (t) => {
  const { paths } = install(t);
  assert.equal(await findRunning(paths), undefined);
  writeFileSync(paths.lockPath, JSON.stringify({ pid: 2 ** 22 + 12_345, port: 1, startedAtMs: 1, version: 'x' }));
  assert.equal(await findRunning(paths), undefined, 'a stale lock is not a running gateway');
});

test('findRunning: a live owner is healthy only when /healthz answers with its pid and this state dir', async (t) => {
  const { paths } = install(t);
  let answer: Record<string, unknown> = {};
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as AddressInfo).port;
  const lock = { pid: process.pid, port, startedAtMs: 1, version: 'x' };
  writeFileSync(paths.lockPath, JSON.stringify(lock));
  const base = { ok: true, version: 'x', uptimeMs: 1 };

  answer = { ...base, pid: process.pid, stateDirId: stateDirIdOf(paths.stateDir) };
  assert.deepEqual(await findRunning(paths), { lock, healthy: true });
  answer = { ...base, pid: process.pid, stateDirId: stateDirIdOf('/another/install') };
  assert.deepEqual(await findRunning(paths), { lock, healthy: false }, 'another install answers on that port');
  answer = { ...base, pid: process.pid + 1, stateDirId: stateDirIdOf(paths.stateDir) };
  assert.deepEqual(await findRunning(paths), { lock, healthy: false }, 'another process answers for this state dir');

  writeFileSync(paths.lockPath, JSON.stringify({ ...lock, port: null }));
  assert.deepEqual(await findRunning(paths), { lock: { ...lock, port: null }, healthy: false }, 'still starting: alive, not yet healthy');
});

test('stop kills a gateway that ignores SIGTERM once the stop timeout passes, and says it forced it', { timeout: 60_000 }, async (t) => {
  const { paths, entry, env } = install(t);
  const lock = await startBackground(paths, entry, ['--ignore-term'], env);
  assert.deepEqual(await stopBackground(lock), { forced: true });
  assert.equal(pidAlive(lock.pid), false);
});
