// Scenarios DP-SECOND-INSTANCE and DP-SUPERVISOR-LOOP (../shared/scenarios.md, group E): one gateway
// per state dir, a supervisor-friendly start, stale locks reclaimed, a foreign port owner reported once.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, makeStateDir, randomToken, runCli, startGateway, type RunningGateway } from '../helpers/gateway-process.js';

const cleanup: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

/** Every file below dir with its size and content hash: "writes nothing" means this does not change. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[p] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

function lockOf(stateDir: string): { pid: number; port: number } {
  return JSON.parse(readFileSync(join(stateDir, 'gateway.lock'), 'utf8'));
}

async function waitExit(gw: RunningGateway): Promise<void> {
  if (gw.child.exitCode !== null || gw.child.signalCode !== null) return;
  await new Promise((r) => gw.child.once('exit', r));
}

describe('DP-SECOND-INSTANCE', () => {
  test('DP-SECOND-INSTANCE: a second gateway on the same state dir exits 7 naming the first, writing nothing', async () => {
    const a = await startGateway();
    cleanup.push(() => a.stop());
    // A logs "gateway started" just after its listening line; let it, so the snapshot is of an idle A.
    const startedLog = () => readdirSync(join(a.stateDir, 'logs')).some((f) => readFileSync(join(a.stateDir, 'logs', f), 'utf8').includes('gateway started'));
    for (let i = 0; i < 100 && !(existsSync(join(a.stateDir, 'logs')) && startedLog()); i++) await new Promise((r) => setTimeout(r, 20));
    const before = snapshot(a.stateDir);
    for (const port of [String(a.port), String(await freePort())]) {
      const b = await runCli(['gateway', 'run', '--port', port], { stateDir: a.stateDir });
      assert.equal(b.code, 7, b.stderr);
      assert.match(b.stderr, new RegExp(`another gateway owns this state dir \\(pid ${a.child.pid}, port ${a.port}\\)`));
    }
    assert.deepEqual(snapshot(a.stateDir), before, 'the second gateway wrote nothing');
    const h = await runCli(['health'], { stateDir: a.stateDir });
    assert.equal(h.code, 0, 'the first gateway is unaffected');
  });
});

describe('DP-SUPERVISOR-LOOP', () => {
  test('DP-SUPERVISOR-LOOP: start while healthy exits 0; after kill -9 the next start reclaims the lock at once', async () => {
    const stateDir = makeStateDir({ gateway: { port: await freePort(), auth: { mode: 'token', token: randomToken() } } });
    const first = await runCli(['gateway', 'start'], { stateDir });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^started \(pid \d+, port \d+\)/);
    const { pid, port } = lockOf(stateDir);
    cleanup.push(() => runCli(['gateway', 'stop'], { stateDir }));

    const again = await runCli(['gateway', 'start'], { stateDir });
    assert.equal(again.code, 0);
    assert.equal(again.stdout.trim(), `already running (pid ${pid}, port ${port})`);

    process.kill(pid, 'SIGKILL');
    while ((() => { try { process.kill(pid, 0); return true; } catch { return false; } })()) await new Promise((r) => setTimeout(r, 20));
    const status = await runCli(['gateway', 'status', '--json'], { stateDir });
    assert.equal(status.code, 3);
    assert.equal(JSON.parse(status.stdout).running, false);
    const restarted = await runCli(['gateway', 'start'], { stateDir });
    assert.equal(restarted.code, 0, restarted.stderr);
    assert.notEqual(lockOf(stateDir).pid, pid, 'the stale lock was reclaimed');
    const stopped = await runCli(['gateway', 'stop'], { stateDir });
    assert.equal(stopped.code, 0);
    assert.match(stopped.stdout, /^stopped/);
    assert.equal((await runCli(['health'], { stateDir })).code, 3, 'the port is free after stop');
  });

  test('DP-SUPERVISOR-LOOP: a port held by a foreign program: one attempt, exit 10, no restart loop', async () => {
    const port = await freePort();
    const squatter: Server = createServer();
    await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', r));
    cleanup.push(() => new Promise((r) => squatter.close(r)));
    const stateDir = makeStateDir({ gateway: { port, auth: { mode: 'token', token: randomToken() } } });
    const res = await runCli(['gateway', 'start'], { stateDir });
    assert.equal(res.code, 10, res.stderr);
    assert.match(res.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use by another program`));
    const out = readFileSync(join(stateDir, 'logs', 'gateway.out'), 'utf8');
    assert.equal(out.match(/already in use/g)?.length, 1, 'exactly one attempt');
    const run = await runCli(['gateway', 'run'], { stateDir });
    assert.equal(run.code, 10);
    assert.throws(() => statSync(join(stateDir, 'gateway.lock')), 'a failed start leaves no lock behind');
  });
});

describe('gateway stop on a foreground gateway', () => {
  test('stop works on a gateway started by anyone, and waits until its port is free', async () => {
    const gw = await startGateway();
    const res = await runCli(['gateway', 'stop'], { stateDir: gw.stateDir });
    assert.equal(res.code, 0);
    await waitExit(gw);
    assert.equal(gw.child.exitCode, 0);
  });
});
