// Host faults around the one-gateway-per-state-dir rule: a crashed gateway that its parent never reaps
// (a container whose init does not reap) and two `gateway start` racing on one state dir.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processStat } from '../../src/util/process-stat.js';
import { probeHealthz } from '../../src/service/probe.js';
import { CLI_BIN, freePort, makeStateDir, randomToken, runCli } from '../helpers/gateway-process.js';

const cleanup: (() => Promise<unknown> | void)[] = [];
after(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readLockFile(stateDir: string): { pid: number; port: number | null } | undefined {
  try {
    return JSON.parse(readFileSync(join(stateDir, 'gateway.lock'), 'utf8'));
  } catch {
    return undefined;
  }
}

describe('a crashed gateway leaves no trap', () => {
  test('a SIGKILLed gateway that stays a zombie (its parent never reaps) does not block the next start', async () => {
    const port = await freePort();
    const stateDir = makeStateDir({ gateway: { port, auth: { mode: 'token', token: randomToken() } } });
    // sh starts the gateway in the background, then becomes `sleep` (exec): the gateway's parent never waits.
    const parent = spawn('sh', ['-c', `"${process.execPath}" "${CLI_BIN}" gateway run & echo $!; exec sleep 600`], {
      env: { ...process.env, CLAWGATE_GATEWAY_TOKEN: '', CLAWGATE_STATE_DIR: stateDir, CLAWGATE_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    cleanup.push(() => void parent.kill('SIGKILL'));
    const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
    while (!(readLockFile(stateDir)?.pid === pid && (await probeHealthz(port))?.pid === pid)) await sleep(50);

    process.kill(pid, 'SIGKILL');
    while (processStat(pid)?.state !== 'Z') await sleep(20);
    assert.doesNotThrow(() => process.kill(pid, 0), 'the zombie still answers signals');

    const status = await runCli(['gateway', 'status', '--json'], { stateDir });
    assert.equal(JSON.parse(status.stdout).running, false, 'a zombie is not a running gateway');
    const started = await runCli(['gateway', 'start'], { stateDir });
    cleanup.push(() => runCli(['gateway', 'stop'], { stateDir }));
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /^started \(pid \d+, port \d+\)/);
    const lock = readLockFile(stateDir)!;
    assert.notEqual(lock.pid, pid, 'the zombie lock was reclaimed');
    assert.equal((await probeHealthz(port))?.pid, lock.pid);
  });

  test('a lock naming a live unrelated process (a reused pid: another start time) is reclaimed', async () => {
    const port = await freePort();
    const stateDir = makeStateDir({ gateway: { port, auth: { mode: 'token', token: randomToken() } } });
    const other = spawn('sleep', ['600'], { stdio: 'ignore' });
    cleanup.push(() => void other.kill('SIGKILL'));
    const ticks = processStat(other.pid!)!.startTicks;
    const lockText = JSON.stringify({ pid: other.pid, port, startedAtMs: Date.now(), version: '0.1.0', startTicks: ticks + 1 });
    writeFileSync(join(stateDir, 'gateway.lock'), lockText, { mode: 0o600 });
    const started = await runCli(['gateway', 'start'], { stateDir });
    cleanup.push(() => runCli(['gateway', 'stop'], { stateDir }));
    assert.equal(started.code, 0, started.stderr);
    assert.notEqual(readLockFile(stateDir)?.pid, other.pid);
    assert.equal(other.exitCode, null, 'the unrelated process was left alone');
  });
});

describe('two starts at once', () => {
  test('two `gateway start` racing on one state dir: one gateway runs, the loser exits 7 with only its own cause', async () => {
    const port = await freePort();
    const stateDir = makeStateDir({ gateway: { port, auth: { mode: 'token', token: randomToken() } } });
    // info on the console, so the winner writes lines to gateway.out while the loser's child fails.
    const env = { CLAWGATE_LOG_LEVEL: 'info' };
    const results = await Promise.all([runCli(['gateway', 'start'], { stateDir, env }), runCli(['gateway', 'start'], { stateDir, env })]);
    cleanup.push(() => runCli(['gateway', 'stop'], { stateDir }));
    const winner = results.find((r) => r.code === 0);
    const loser = results.find((r) => r.code !== 0);
    assert.ok(winner && loser, `one start wins and one loses: ${results.map((r) => `${r.code} ${r.stderr}`).join(' / ')}`);
    assert.equal(loser.code, 7, loser.stderr);
    const lock = readLockFile(stateDir)!;
    assert.match(winner.stdout, new RegExp(`^started \\(pid ${lock.pid}, port ${port}\\)`));
    assert.equal((await probeHealthz(port))?.pid, lock.pid, 'exactly the winner serves');

    const errors = loser.stderr.trim().split('\n');
    assert.equal(errors.length, 1, loser.stderr);
    // Its child lost the lock race, or it saw the winner's lock first: either way it names the winner.
    assert.match(errors[0]!, new RegExp(`^error: .*another gateway .*\\(pid ${lock.pid}\\b`), loser.stderr);
    const out = readFileSync(join(stateDir, 'logs', 'gateway.out'), 'utf8');
    const winnerLines = out.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('--- gateway start') && !l.includes('another gateway owns'));
    assert.ok(winnerLines.length > 0, 'the winner wrote its console to gateway.out');
    for (const line of winnerLines) assert.ok(!loser.stderr.includes(line.trim()), `the loser printed the winner's line: ${line}`);
  });
});

describe('causes, not guesses', () => {
  test('gateway start with an invalid --bind exits 2 naming gateway.bind (not a crash, not the port)', async () => {
    const stateDir = makeStateDir({ gateway: { port: await freePort(), auth: { mode: 'token', token: randomToken() } } });
    const r = await runCli(['gateway', 'start', '--bind', 'nonsense'], { stateDir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /gateway\.bind: "nonsense" is not loopback, lan or an IP address/);
    assert.doesNotMatch(r.stderr, /in use|foreign/);
  });
});
