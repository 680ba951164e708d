import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { CLI_BIN, randomToken, runCli, startGateway, VALIDATING_CLI_ENV, type RunningGateway } from '../../../test/helpers/gateway-process.js';
import { rawConnect } from '../../../test/helpers/raw-client.js';

const gateways: RunningGateway[] = [];
after(async () => {
  for (const gw of gateways) {
    await gw.stop();
    rmSync(gw.stateDir, { recursive: true, force: true });
  }
});

async function gateway(): Promise<RunningGateway> {
  const gw = await startGateway();
  gateways.push(gw);
  return gw;
}

function until(check: () => boolean, what: () => string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = setInterval(() => {
      if (check()) {
        clearInterval(tick);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(tick);
        reject(new Error(`timed out waiting: ${what()}`));
      }
    }, 50);
  });
}

test('clawgate logs reads through the running gateway; --json prints raw lines; then falls back to the files when it is down', async () => {
  const gw = await gateway();
  const up = await runCli(['logs', '--json', '--limit', '1000'], { stateDir: gw.stateDir });
  assert.equal(up.code, 0, up.stderr);
  assert.equal(up.stderr, '', 'no fallback note while the gateway runs');
  const entries = up.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const started = entries.find((e) => e.msg === 'gateway started');
  assert.equal(started?.port, gw.port);
  assert.equal(started?.tokenSource, 'config');
  assert.match(started?.tokenFingerprint, /^sha256:[0-9a-f]{12}$/);

  const human = await runCli(['logs', '--level', 'info'], { stateDir: gw.stateDir });
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} INFO  gateway started port=\d+ bind=127\.0\.0\.1 /m);

  assert.equal(await gw.stop(), 0);
  const down = await runCli(['logs', '--limit', '5'], { stateDir: gw.stateDir });
  assert.equal(down.code, 0, down.stderr);
  assert.match(down.stderr, /^note: the gateway is not running; reading the log files in .*logs\n$/);
  assert.match(down.stdout, /INFO  gateway stopped uptimeMs=\d+/);
  assert.ok(down.stdout.trim().split('\n').length <= 5);

  const warnOnly = await runCli(['logs', '--level', 'warn', '--json'], { stateDir: gw.stateDir });
  assert.equal(warnOnly.code, 0);
  for (const l of warnOnly.stdout.split('\n').filter(Boolean)) assert.ok(['warn', 'error', 'fatal'].includes(JSON.parse(l).level));
});

test('clawgate logs rejects bad flags with exit 2', async () => {
  const gw = await gateway();
  for (const args of [['--limit', '0'], ['--limit', '1001'], ['--level', 'loud']]) {
    const r = await runCli(['logs', ...args], { stateDir: gw.stateDir });
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /--(limit|level) takes/);
  }
});

test('clawgate logs --follow prints new lines as they are written, survives the gateway stopping, and exits 0 on Ctrl-C', async () => {
  const gw = await gateway();
  const child = spawn(process.execPath, [CLI_BIN, 'logs', '--follow', '--json', '--limit', '1'], {
    env: { ...process.env, CLAWGATE_GATEWAY_TOKEN: '', CLAWGATE_STATE_DIR: gw.stateDir, ...VALIDATING_CLI_ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await until(() => out.length > 0, () => `first output; stderr: ${err}`);
    const wrong = await rawConnect(gw.url, { auth: { token: randomToken() } });
    assert.equal(wrong.response?.error?.details?.code, 'AUTH_TOKEN_MISMATCH');
    await until(() => /"code":"AUTH_TOKEN_MISMATCH"/.test(out), () => out);
    assert.equal(err, '', 'read through the gateway');

    await gw.stop();
    await until(() => /"msg":"gateway stopped"/.test(out), () => `${out}\n${err}`);
    assert.match(err, /note: the gateway went away; reading the log files in /);
    const stoppedLines = out.split('\n').filter((l) => l.includes('"gateway stopped"'));
    assert.equal(stoppedLines.length, 1, 'no line twice after switching to the files');
  } finally {
    child.kill('SIGINT');
  }
  assert.equal(await exited, 0);
});
