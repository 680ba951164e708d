import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempStateDir } from '../../../../test/helpers/cli-io.js';

test('config unset removes the key (pruning empty parents) so the default applies again', async (t) => {
  const dir = tempStateDir(t);
  await cli(dir, 'config', 'set', 'gateway.port', '19001');
  await cli(dir, 'config', 'set', 'gateway.bind', '"lan"');
  const r = await cli(dir, 'config', 'unset', 'gateway.port');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^unset gateway\.port in /);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'clawgate.json'), 'utf8')), { gateway: { bind: 'lan' } });
  assert.equal((await cli(dir, 'config', 'get', 'gateway.port')).code, 2);
  await cli(dir, 'config', 'unset', 'gateway.bind');
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'clawgate.json'), 'utf8')), {});
});

test('config unset of a key that is not set exits 2 and writes nothing', async (t) => {
  const dir = tempStateDir(t);
  await cli(dir, 'config', 'set', 'gateway.port', '19001');
  const before = readFileSync(join(dir, 'clawgate.json'));
  const r = await cli(dir, 'config', 'unset', 'gateway.auth.token');
  assert.equal(r.code, 2);
  assert.match(r.err, /gateway\.auth\.token is not set/);
  assert.deepEqual(readFileSync(join(dir, 'clawgate.json')), before);
});
