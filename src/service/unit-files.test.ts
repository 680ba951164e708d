import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { launchdPlist, serviceInstallPath, systemdUnit, type ServiceSpec } from './unit-files.js';

const spec: ServiceSpec = { nodePath: '/usr/bin/node', cliEntry: '/opt/clawgate/dist/bundle/cli.js', stateDir: '/home/ann/.clawgate' };

/** The value of every `Key=` line of a unit. */
const values = (unit: string, key: string) => unit.split('\n').filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));

test('systemd: ExecStart runs `gateway run` with this node and CLI, for this state dir only', () => {
  const unit = systemdUnit(spec);
  assert.deepEqual(values(unit, 'ExecStart'), ['/usr/bin/node /opt/clawgate/dist/bundle/cli.js gateway run']);
  assert.deepEqual(values(unit, 'Environment'), ['CLAWGATE_STATE_DIR=/home/ann/.clawgate'], 'the state dir is the only environment it sets');
  assert.deepEqual(values(unit, 'Type'), ['simple']);
  assert.deepEqual(values(unit, 'WantedBy'), ['default.target'], 'a user unit');
  assert.deepEqual(values(unit, 'UMask'), ['0077']);
});

test('systemd: restarted on failure, but never for config errors (2), another gateway (7) or a taken port (10)', () => {
  const unit = systemdUnit(spec);
  assert.deepEqual(values(unit, 'Restart'), ['on-failure']);
  assert.deepEqual(values(unit, 'RestartPreventExitStatus'), ['2 7 10']);
  assert.deepEqual(values(unit, 'RestartSec'), ['2']);
});

test('systemd: paths with spaces or quotes are quoted so they stay one argument', () => {
  const unit = systemdUnit({ nodePath: '/opt/my node/bin/node', cliEntry: '/srv/a"b\\c/cli.js', stateDir: '/home/ann/My State' });
  assert.deepEqual(values(unit, 'ExecStart'), ['"/opt/my node/bin/node" "/srv/a\\"b\\\\c/cli.js" gateway run']);
  assert.deepEqual(values(unit, 'Environment'), ['CLAWGATE_STATE_DIR="/home/ann/My State"']);
});

test('no secret in a generated definition: neither format has a token, key or password field, whatever the environment holds', () => {
  const canary = 'cg-canary-0123456789abcdef0123456789abcdef';
  const saved = process.env['CLAWGATE_GATEWAY_TOKEN'];
  process.env['CLAWGATE_GATEWAY_TOKEN'] = canary;
  try {
    for (const text of [systemdUnit(spec), launchdPlist(spec)]) {
      assert.ok(!text.includes(canary), 'the environment token is not copied');
      assert.doesNotMatch(text, /token|secret|password|api[_-]?key/i);
    }
  } finally {
    if (saved === undefined) delete process.env['CLAWGATE_GATEWAY_TOKEN'];
    else process.env['CLAWGATE_GATEWAY_TOKEN'] = saved;
  }
});

test('systemd-analyze verify accepts the unit without a complaint', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-unit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cliEntry = join(dir, 'cli.js');
  writeFileSync(cliEntry, '');
  const path = join(dir, 'clawgate.service');
  writeFileSync(path, systemdUnit({ nodePath: process.execPath, cliEntry, stateDir: join(dir, 'state dir') }));
  const { stdout, stderr } = await promisify(execFile)('systemd-analyze', ['verify', path], { timeout: 30_000 });
  assert.equal(`${stdout}${stderr}`.trim(), '');
});

test('systemd: % specifiers and $ variables in a path are escaped, so the unit runs that path (checked by systemd-analyze)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-unit-%h-$HOME-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cliEntry = join(dir, 'cli.js');
  writeFileSync(cliEntry, '');
  const unit = systemdUnit({ nodePath: process.execPath, cliEntry, stateDir: join(dir, 'state%Z') });
  assert.ok(values(unit, 'ExecStart')[0]!.includes('cg-unit-%%h-$$HOME-'));
  assert.ok(values(unit, 'Environment')[0]!.includes('state%%Z'));
  const path = join(dir, 'clawgate.service');
  writeFileSync(path, unit);
  const { stdout, stderr } = await promisify(execFile)('systemd-analyze', ['verify', path], { timeout: 30_000 });
  assert.equal(`${stdout}${stderr}`.trim(), '');
});

test('launchd: the same program arguments, the state dir, kept alive only after a failure, umask 077', () => {
  const plist = launchdPlist(spec);
  const args = [...plist.matchAll(/<array>([\s\S]*?)<\/array>/g)].map((m) => [...m[1]!.matchAll(/<string>(.*?)<\/string>/g)].map((s) => s[1]));
  assert.deepEqual(args, [['/usr/bin/node', '/opt/clawgate/dist/bundle/cli.js', 'gateway', 'run']]);
  assert.match(plist, /<key>CLAWGATE_STATE_DIR<\/key>\s*<string>\/home\/ann\/\.clawgate<\/string>/);
  assert.match(plist, /<key>KeepAlive<\/key>\s*<dict>\s*<key>SuccessfulExit<\/key>\s*<false\/>/);
  assert.match(plist, /<key>Umask<\/key>\s*<integer>63<\/integer>/, '63 is 0o77');
  assert.match(plist, /<key>Label<\/key>\s*<string>dev\.clawgate\.gateway<\/string>/);
});

test('launchd: XML special characters in paths are escaped', () => {
  const plist = launchdPlist({ nodePath: '/opt/a&b/node', cliEntry: '/x/<cli>.js', stateDir: '/home/"ann"' });
  assert.ok(plist.includes('<string>/opt/a&amp;b/node</string>'));
  assert.ok(plist.includes('<string>/x/&lt;cli&gt;.js</string>'));
  assert.ok(plist.includes('<string>/home/&quot;ann&quot;</string>'));
  assert.ok(!plist.includes('a&b'));
});

test('install paths: the systemd user unit dir and the LaunchAgents dir of the given home', () => {
  assert.equal(serviceInstallPath('systemd', '/home/ann'), '/home/ann/.config/systemd/user/clawgate.service');
  assert.equal(serviceInstallPath('launchd', '/Users/ann'), '/Users/ann/Library/LaunchAgents/dev.clawgate.gateway.plist');
});
