import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { statePathsOf, type StatePaths } from '../../config/paths.js';
import { stateDirIdOf } from '../../util/state-dir-id.js';
import { freePort, makeStateDir, randomToken, runCli, startGateway } from '../../../test/helpers/gateway-process.js';
import { DoctorContext } from '../context.js';
import type { DoctorCheck } from '../types.js';
import { clock } from './clock.js';
import { gatewayLock } from './gateway-lock.js';
import { gatewayToken } from './gateway-token.js';
import { portOwner } from './port-owner.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A state dir whose config points at a fresh free port. */
async function pathsOnFreePort(): Promise<{ paths: StatePaths; port: number }> {
  const port = await freePort();
  const dir = makeStateDir({ gateway: { port } });
  dirs.push(dir);
  return { paths: statePathsOf(dir), port };
}

const run = (check: DoctorCheck, paths: StatePaths) => check.run(new DoctorContext({ paths, env: {} }));
const ids = (o: { findings: { id: string }[] }) => o.findings.map((f) => f.id);

const sockets = new WeakMap<Server | HttpServer, Set<Socket>>();

function listen<T extends Server | HttpServer>(server: T, port: number): Promise<T> {
  const open = new Set<Socket>();
  sockets.set(server, open);
  server.on('connection', (s: Socket) => {
    open.add(s);
    s.on('close', () => open.delete(s));
  });
  return new Promise((res) => server.listen(port, '127.0.0.1', () => res(server)));
}
/** Close a server and any connection it still has (a half-closed probe socket must not hold the test). */
function close(s: Server | HttpServer): Promise<void> {
  return new Promise<void>((res) => {
    s.close(() => res());
    for (const sock of sockets.get(s) ?? []) sock.destroy();
  });
}

/** A stand-in HTTP server answering /healthz like a gateway would, with a chosen state dir id and clock. */
function fakeGateway(stateDirId: string, clockOffsetMs = 0): HttpServer {
  return createHttpServer((_req, res) => {
    res.setHeader('date', new Date(Date.now() + clockOffsetMs).toUTCString());
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ok: true, version: '0.0.0-fake', protocol: 3, pid: process.pid, uptimeMs: 1, stateDirId }));
  });
}

test('port-owner: a free port is ok; a foreign program is named with its pid; another install is told apart', async () => {
  const { paths, port } = await pathsOnFreePort();
  assert.deepEqual(ids(await run(portOwner, paths)), []);
  const foreign = await listen(createNetServer((s) => s.end('SSH-2.0-not-a-gateway\r\n')), port);
  const taken = await run(portOwner, paths);
  await close(foreign);
  assert.deepEqual(ids(taken), ['port-foreign']);
  if (process.platform === 'linux') assert.match(taken.findings[0]!.message, new RegExp(`pid ${process.pid}`));
  const other = await listen(fakeGateway('0123456789abcdef'), port);
  const otherInstall = await run(portOwner, paths);
  await close(other);
  assert.deepEqual(ids(otherInstall), ['port-other-gateway']);
});

test('clock: in sync is ok; a gateway clock 5 minutes ahead is a warning', async () => {
  const { paths, port } = await pathsOnFreePort();
  const id = stateDirIdOf(paths.stateDir);
  assert.deepEqual(ids(await run(clock, paths)), []);
  const synced = await listen(fakeGateway(id), port);
  assert.deepEqual(ids(await run(clock, paths)), []);
  await close(synced);
  const ahead = await listen(fakeGateway(id, 300_000), port);
  const skewed = await run(clock, paths);
  await close(ahead);
  assert.deepEqual(skewed.findings.map((f) => [f.id, f.severity]), [['clock-skew', 'warn']]);
  assert.match(skewed.findings[0]!.message, /ahead/);
});

test('port-owner and gateway-lock with a real gateway: ours and locked; a second `gateway run` process is a duplicate', async () => {
  const gw = await startGateway();
  dirs.push(gw.stateDir);
  const paths = statePathsOf(gw.stateDir);
  try {
    const owner = await run(portOwner, paths);
    assert.deepEqual(ids(owner), []);
    assert.match(owner.summary, new RegExp(`this state dir's gateway \\(pid ${gw.child.pid}`));
    const lock = await run(gatewayLock, paths);
    assert.deepEqual(ids(lock), []);
    assert.match(lock.summary, new RegExp(`held by pid ${gw.child.pid}`));
    // A process that looks like `gateway run` on the same state dir (as a hand-started duplicate would).
    const dup = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', 'gateway', 'run'], { env: { ...process.env, CLAWGATE_STATE_DIR: gw.stateDir }, stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 200));
      const both = await run(gatewayLock, paths);
      if (process.platform === 'linux') {
        assert.deepEqual(both.findings.map((f) => [f.id, f.severity]), [['duplicate-gateways', 'error']]);
        assert.match(both.findings[0]!.message, new RegExp(`${dup.pid}`));
        assert.match(both.findings[0]!.fix!, new RegExp(`stop all but pid ${gw.child.pid}`));
      }
    } finally {
      dup.kill('SIGKILL');
    }
  } finally {
    await gw.stop();
  }
  // After a clean stop: no lock, port free.
  assert.deepEqual(ids(await run(gatewayLock, paths)), []);
  writeFileSync(paths.lockPath, 'torn', { mode: 0o600 });
  assert.equal((await run(gatewayLock, paths)).summary, 'gateway.lock is unreadable');
});

test('gateway-token: a token the gateway would refuse is an error, from config or from this CLI\'s environment; a strong one is not', async () => {
  const port = await freePort();
  const weakConfig = makeStateDir({ gateway: { port, auth: { mode: 'token', token: 'changeme' } } });
  const strongConfig = makeStateDir({ gateway: { port, auth: { mode: 'token', token: randomToken() } } });
  const noneMode = makeStateDir({ gateway: { port, auth: { mode: 'none', token: 'changeme' } } });
  dirs.push(weakConfig, strongConfig, noneMode);
  const weak = await gatewayToken.run(new DoctorContext({ paths: statePathsOf(weakConfig), env: {} }));
  const f = weak.findings.find((x) => x.id === 'gateway-token-weak');
  assert.equal(f?.severity, 'error');
  assert.match(f.message, /gateway\.auth\.token in .* is unsafe: it is a placeholder/);
  assert.equal(f.fix, 'clawgate gateway token rotate');
  assert.ok(!JSON.stringify(weak).includes('changeme'), 'the value is never printed');

  const fromEnv = await gatewayToken.run(new DoctorContext({ paths: statePathsOf(strongConfig), env: { CLAWGATE_GATEWAY_TOKEN: 'short-token-123' } }));
  assert.match(fromEnv.findings.find((x) => x.id === 'gateway-token-weak')?.message ?? '', /from CLAWGATE_GATEWAY_TOKEN .* is unsafe: it has about \d+ bits of entropy/);

  assert.deepEqual(ids(await gatewayToken.run(new DoctorContext({ paths: statePathsOf(strongConfig), env: {} }))).filter((id) => id === 'gateway-token-weak'), []);
  assert.deepEqual(ids(await gatewayToken.run(new DoctorContext({ paths: statePathsOf(noneMode), env: {} }))).filter((id) => id === 'gateway-token-weak'), [], 'auth mode none uses no token (as the gateway)');
});

test('clawgate doctor does not say "No problems found" with a placeholder token in config', async () => {
  const dir = makeStateDir({ gateway: { port: await freePort(), auth: { token: 'changeme' } } });
  dirs.push(dir);
  const r = await runCli(['doctor'], { stateDir: dir });
  assert.equal(r.code, 12, r.stdout);
  assert.match(r.stdout, /gateway-token-weak: gateway\.auth\.token .* is unsafe/);
  assert.doesNotMatch(r.stdout, /No problems found/);
});

test('an invalid gateway.bind is named as such: gateway run and config set exit 2 naming the key, doctor blames the config, not the port', async () => {
  const port = await freePort();
  const dir = makeStateDir({ gateway: { port, auth: { token: randomToken() } } });
  dirs.push(dir);
  const run = await runCli(['gateway', 'run', '--bind', 'nonsense'], { stateDir: dir });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /gateway\.bind: "nonsense" is not loopback, lan or an IP address/);
  const set = await runCli(['config', 'set', 'gateway.bind', 'nonsense'], { stateDir: dir });
  assert.equal(set.code, 2, set.stderr);
  assert.match(set.stderr, /refusing to write an invalid config: gateway\.bind: "nonsense"/);

  writeFileSync(join(dir, 'clawgate.json'), JSON.stringify({ gateway: { port, bind: 'nonsense', auth: { token: randomToken() } } }), { mode: 0o600 });
  const doctor = await runCli(['doctor', '--json'], { stateDir: dir });
  const checks = (JSON.parse(doctor.stdout) as { checks: { id: string; findings: { id: string; message: string }[] }[] }).checks;
  const byId = (id: string) => checks.find((c) => c.id === id)!;
  assert.match(byId('config-valid').findings[0]?.message ?? '', /^gateway\.bind: "nonsense" is not loopback, lan or an IP address/);
  assert.deepEqual(byId('port-owner').findings, [], 'no guess about a foreign program on the port');
});
