import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../test/helpers/gateway-process.js';
import { cli, tempStateDir } from '../../test/helpers/cli-io.js';
import { EXIT_CODES } from './main.js';

// runCli with injected I/O: exit codes come from error kinds (docs/cli.md), messages name the next step.

test('exit codes by kind: usage and config 2, unreachable 3, auth 4, pairing 5, scope 6', () => {
  assert.deepEqual(
    [EXIT_CODES.usage, EXIT_CODES.config, EXIT_CODES.unreachable, EXIT_CODES.auth, EXIT_CODES.pairing, EXIT_CODES.scope, EXIT_CODES.internal],
    [2, 2, 3, 4, 5, 6, 1],
  );
});

test('an unknown command exits 2 with usage help on stderr', async (t) => {
  const r = await cli(tempStateDir(t), 'frobnicate');
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown command 'frobnicate'/);
  assert.equal(r.out, '');
});

test('an unknown subcommand or option exits 2', async (t) => {
  const dir = tempStateDir(t);
  assert.equal((await cli(dir, 'devices', 'frobnicate')).code, 2);
  assert.equal((await cli(dir, 'health', '--frobnicate')).code, 2);
});

test('--timeout takes positive milliseconds: "abc" exits 2 naming the flag', async (t) => {
  const dir = tempStateDir(t);
  for (const bad of ['abc', '0', '-5', '1.5', '600001']) {
    const r = await cli(dir, '--timeout', bad, 'health');
    assert.equal(r.code, 2, bad);
    assert.match(r.err, new RegExp(`--timeout takes milliseconds between 1 and 600000, not "${bad.replace('.', '\\.')}"`));
  }
});

test('health with no gateway running exits 3 and names `clawgate gateway run`', async (t) => {
  const dir = tempStateDir(t);
  const port = await freePort();
  writeFileSync(join(dir, 'clawgate.json'), JSON.stringify({ gateway: { port } }));
  const r = await cli(dir, '--timeout', '3000', 'health');
  assert.equal(r.code, 3);
  assert.match(r.err, new RegExp(`cannot reach the gateway at ws://127\\.0\\.0\\.1:${port}: connection refused`));
  assert.match(r.err, /clawgate gateway run/);
});

test('--version and --help exit 0', async (t) => {
  const dir = tempStateDir(t);
  const v = await cli(dir, '--version');
  assert.equal(v.code, 0);
  assert.match(v.out, /^\d+\.\d+\.\d+/);
  const h = await cli(dir, '--help');
  assert.equal(h.code, 0);
  assert.match(h.out, /devices/);
});

test('--url: plain ws:// only to localhost or a loopback IP literal; a look-alike name exits 2', async (t) => {
  const dir = tempStateDir(t);
  for (const host of ['127.evil.example', 'localhost.evil.example', '127.0.0.1.evil.example']) {
    const r = await cli(dir, '--url', `ws://${host}:18789`, 'health');
    assert.equal(r.code, 2, host);
    assert.match(r.err, new RegExp(`refusing plain ws:// to ${host.replaceAll('.', '\\.')}: tokens would cross the network unencrypted`));
  }
});
