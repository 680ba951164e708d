// A full disk is named: with the state dir on a real, full filesystem (a tiny tmpfs), every command says
// DISK_FULL with the mount to free (exit 14), `logs` still reads the files, doctor reports the disk, and no
// command leaves a half-written file behind. Needs root to mount the tmpfs: without it this fails, never skips.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, randomToken, runCli } from '../helpers/gateway-process.js';

/** Big enough for the config and a few inodes, small enough to fill at once. */
const TMPFS_SIZE = '256k';

let root = '';
let mountDir = '';
let stateDir = '';
let configText = '';
const filler = () => join(mountDir, 'filler');

/** Write zeros until the filesystem refuses: then it is really full. */
function fill(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(4096);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
  } finally {
    closeSync(fd);
  }
}

/** Every file under dir, relative names: "nothing half-written" means no stray temp file appears. */
function files(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`])).sort();
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'cg-full-disk-'));
  mountDir = join(root, 'mnt');
  mkdirSync(mountDir);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE},mode=0700`, 'tmpfs', mountDir], { stdio: 'pipe' });
  } catch (err) {
    assert.fail(`this test needs a real full filesystem: mount -t tmpfs failed (run as root in the test container): ${(err as { stderr?: Buffer }).stderr?.toString().trim() ?? (err as Error).message}`);
  }
  stateDir = join(mountDir, 'state');
  mkdirSync(stateDir, { mode: 0o700 });
  configText = `${JSON.stringify({ gateway: { port: await freePort(), auth: { mode: 'token', token: randomToken() } } }, null, 2)}\n`;
  writeFileSync(join(stateDir, 'clawgate.json'), configText, { mode: 0o600 });
  fill(filler());
});

after(() => {
  if (mountDir) {
    try {
      execFileSync('umount', [mountDir], { stdio: 'pipe' });
    } catch {
      // not mounted (before() failed)
    }
  }
  if (root) rmSync(root, { recursive: true, force: true });
});

function assertDiskFull(r: { code: number | null; stderr: string }, what: string): void {
  assert.equal(r.code, 14, `${what}: ${r.stderr}`);
  assert.match(r.stderr, /no space left on the device \(ENOSPC\); free space on /, what);
  assert.ok(r.stderr.includes(mountDir), `${what} names the mount ${mountDir}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /unexpected failure|internal error/, what);
}

describe('a full disk is named', () => {
  test('config set fails with DISK_FULL naming the mount, and leaves the config and the state dir as they were', async () => {
    const before = files(stateDir);
    const r = await runCli(['config', 'set', 'gateway.port', '19001'], { stateDir });
    assertDiskFull(r, 'config set');
    assert.equal(readFileSync(join(stateDir, 'clawgate.json'), 'utf8'), configText);
    assert.deepEqual(files(stateDir), before, 'no temp file and no torn .bak left behind');
  });

  test('commands that reach the gateway say DISK_FULL; gateway run and start too, leaving no lock', async () => {
    for (const args of [['status'], ['devices', 'list'], ['gateway', 'run'], ['gateway', 'start']]) {
      assertDiskFull(await runCli(args, { stateDir }), args.join(' '));
    }
    assert.ok(!files(stateDir).includes('gateway.lock'), 'no empty lock left behind');
    assert.deepEqual(files(stateDir).filter((f) => f.endsWith('.tmp') || f.endsWith('.start')), [], 'no temp or start files');
  });

  test('logs falls back to the files, saying why', async () => {
    const r = await runCli(['logs'], { stateDir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^note: this CLI cannot connect \(DISK_FULL: .*\); reading the log files in /);
  });

  test('doctor reports the full disk with the mount to free', async () => {
    const r = await runCli(['doctor', '--json'], { stateDir });
    assert.equal(r.code, 12, r.stderr);
    const check = (JSON.parse(r.stdout) as { checks: { id: string; status: string; findings: { id: string; message: string; fix: string }[] }[] }).checks.find((c) => c.id === 'disk-space');
    assert.equal(check?.status, 'error');
    assert.equal(check.findings[0]?.id, 'disk-full');
    assert.ok(check.findings[0]!.fix.includes(`free space on ${mountDir}`), check.findings[0]!.fix);
  });

  test('once space is freed the same config set succeeds', async () => {
    rmSync(filler());
    const r = await runCli(['config', 'set', 'gateway.port', '19001'], { stateDir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(readFileSync(join(stateDir, 'clawgate.json'), 'utf8'), /"port": 19001/);
  });
});
