import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { CLI_BIN, runCli, startGateway, VALIDATING_CLI_ENV, type RunningGateway } from '../../../../test/helpers/gateway-process.js';
import { makeDevice, rawConnect, type TestDevice } from '../../../../test/helpers/raw-client.js';

/** Anything a terminal acts on, or that reorders text. */
const ACTIVE_RE = /[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
const ESC = '\x1b';

// A device names itself with escape codes: clear the screen, conceal what follows (so the owner would not see
// the scopes it asks for), write the owner's clipboard (OSC 52), a C1 CSI, and a right-to-left override.
const HOSTILE_ID = `app${ESC}[2J${ESC}[H${ESC}[8m`;
const HOSTILE_NAME = `Owner's laptop${ESC}]52;c;cm0gLXJmIH4=\x07\x9b8m\u202Eenohp`;
const HOSTILE_PLATFORM = `linux${ESC}[8m`;
const ASKED = ['operator.admin', 'operator.read'];

/**
 * `clawgate devices approve --latest` on a terminal (a pty from util-linux `script`), answering its prompt
 * with y once it is asked. TERM=dumb keeps readline's own cursor codes out, so any ESC seen came from us.
 */
function approveLatestOnTerminal(stateDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI_BIN)} devices approve --latest`, '/dev/null'], {
      env: { ...process.env, ...VALIDATING_CLI_ENV, CLAWGATE_STATE_DIR: stateDir, CLAWGATE_GATEWAY_TOKEN: '', TERM: 'dumb' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let answered = false;
    const onData = (d: Buffer) => {
      output += d.toString();
      if (!answered && output.includes('Approve this request? [y/N]')) {
        answered = true;
        child.stdin!.end('y\n');
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('names a device chose are inert on the owner\'s screen (real gateway, the CLI as a process)', () => {
  let gw: RunningGateway;
  let device: TestDevice;
  before(async () => {
    gw = await startGateway();
    device = makeDevice();
    const { response, ws } = await rawConnect(gw.url, {
      device,
      scopes: ASKED,
      clientId: HOSTILE_ID,
      platform: HOSTILE_PLATFORM,
      // displayName is not signed: set after signing, as any client may.
      tamper: (p) => void ((p['client'] as Record<string, unknown>)['displayName'] = HOSTILE_NAME),
    });
    assert.equal(response?.error.details.code, 'PAIRING_REQUIRED', JSON.stringify(response));
    ws.terminate();
  });
  after(async () => {
    await gw.stop();
    rmSync(gw.stateDir, { recursive: true, force: true });
  });

  test('devices list prints no escape code, the name marked where it was tampered with, and the real scopes', async () => {
    const r = await runCli(['devices', 'list'], { stateDir: gw.stateDir });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, ACTIVE_RE);
    const row = r.stdout.split('\n').find((l) => l.includes(device.deviceId.slice(0, 12)));
    assert.ok(row, r.stdout);
    assert.match(row, /Owner's laptop\uFFFD+enohp\s+operator\s+operator\.admin,operator\.read\s+not-paired\s+local/);
  });

  test('devices list --json keeps the exact names, with no raw control character in the text', async () => {
    const r = await runCli(['devices', 'list', '--json'], { stateDir: gw.stateDir });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, ACTIVE_RE);
    const pending = (JSON.parse(r.stdout) as { pending: Array<Record<string, unknown>> }).pending.find((p) => p['deviceId'] === device.deviceId);
    assert.deepEqual([pending?.['clientId'], pending?.['displayName'], pending?.['platform'], pending?.['scopes']], [HOSTILE_ID, HOSTILE_NAME, HOSTILE_PLATFORM, ASKED]);
  });

  test('devices approve --latest: the confirmation shows the real scopes first and nothing can conceal them; y approves', async () => {
    const r = await approveLatestOnTerminal(gw.stateDir);
    assert.equal(r.code, 0, r.output);
    assert.ok(!r.output.includes(ESC), `no ESC byte on the terminal: ${JSON.stringify(r.output)}`);
    assert.doesNotMatch(r.output.replace(/\r?\n/g, ''), ACTIVE_RE);
    const line = r.output.split(/\r?\n/).find((l) => l.startsWith('Latest request '));
    assert.ok(line, r.output);
    assert.match(line, /^Latest request [0-9a-f-]+: role operator, scopes operator\.admin,operator\.read, not-paired; device [0-9a-f]{12} \(client "Owner's laptop\uFFFD+enohp", platform "linux\uFFFD"\) from this host, \d+s ago$/);
    assert.match(r.output, new RegExp(`Approved ${device.deviceId} `));
    const list = await runCli(['devices', 'list', '--json'], { stateDir: gw.stateDir });
    const paired = (JSON.parse(list.stdout) as { paired: Array<{ deviceId: string; scopes: string[] }> }).paired.find((d) => d.deviceId === device.deviceId);
    assert.deepEqual(paired?.scopes, ASKED, 'what was shown is what was granted');
  });
});
