import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempStateDir } from '../../../../test/helpers/cli-io.js';

const TOKEN = 'tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0ZYXWVUT';

test('config get gateway.auth.token is redacted, alone or inside its parents', async (t) => {
  const dir = tempStateDir(t);
  writeFileSync(join(dir, 'clawgate.json'), JSON.stringify({ gateway: { port: 19001, auth: { mode: 'token', token: TOKEN } } }));
  for (const path of [['gateway.auth.token'], ['gateway.auth'], ['gateway'], []]) {
    const r = await cli(dir, 'config', 'get', ...path);
    assert.equal(r.code, 0, r.err);
    assert.ok(!r.out.includes(TOKEN), `${path.join('') || '(root)'} leaks the token`);
    assert.match(r.out, new RegExp(`\\[redacted ${TOKEN.length} chars\\]`));
  }
  assert.equal((await cli(dir, 'config', 'get', 'gateway.auth.mode')).out, '"token"');
});

test('config get of an unset key exits 2 naming the key', async (t) => {
  const dir = tempStateDir(t);
  const r = await cli(dir, 'config', 'get', 'gateway.port');
  assert.equal(r.code, 2);
  assert.match(r.err, /gateway\.port is not set in .*clawgate\.json/);
});

test('config get on a corrupt config exits 2 and points at the backup', async (t) => {
  const dir = tempStateDir(t);
  writeFileSync(join(dir, 'clawgate.json'), '{gateway: {');
  const r = await cli(dir, 'config', 'get', 'gateway.port');
  assert.equal(r.code, 2);
  assert.match(r.err, /not valid JSON5.*clawgate\.json\.bak/);
});
