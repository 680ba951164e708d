import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempStateDir } from '../../../../test/helpers/cli-io.js';
import { parseValue } from './set.js';

test('config set then config get: gateway.port 19001', async (t) => {
  const dir = tempStateDir(t);
  const set = await cli(dir, 'config', 'set', 'gateway.port', '19001');
  assert.equal(set.code, 0, set.err);
  assert.match(set.out, /^set gateway\.port in .*clawgate\.json/);
  const get = await cli(dir, 'config', 'get', 'gateway.port');
  assert.equal(get.code, 0, get.err);
  assert.equal(get.out, '19001');
  const path = join(dir, 'clawgate.json');
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { gateway: { port: 19001 } });
  assert.equal(statSync(path).mode & 0o777, 0o600);
});

test('config set with a value of the wrong type exits 2 naming the key path and leaves the file unchanged', async (t) => {
  const dir = tempStateDir(t);
  assert.equal((await cli(dir, 'config', 'set', 'gateway.port', '19001')).code, 0);
  const path = join(dir, 'clawgate.json');
  const before = readFileSync(path);
  const bakBefore = existsSync(`${path}.bak`) ? readFileSync(`${path}.bak`) : undefined;
  for (const value of ['"x"', 'x', '0', '70000', '1.5']) {
    const r = await cli(dir, 'config', 'set', 'gateway.port', value);
    assert.equal(r.code, 2, value);
    assert.match(r.err, /refusing to write an invalid config: gateway\.port/, value);
    assert.deepEqual(readFileSync(path), before, `${value}: file unchanged`);
    assert.deepEqual(existsSync(`${path}.bak`) ? readFileSync(`${path}.bak`) : undefined, bakBefore, `${value}: backup unchanged`);
  }
  assert.equal((await cli(dir, 'config', 'get', 'gateway.port')).out, '19001');
});

test('config set of an unknown key or an invalid path exits 2 without writing', async (t) => {
  const dir = tempStateDir(t);
  const unknown = await cli(dir, 'config', 'set', 'gateway.prot', '1');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /gateway\.prot/);
  const bad = await cli(dir, 'config', 'set', 'gateway..port', '1');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /invalid config key path "gateway\.\.port"/);
  assert.equal(existsSync(join(dir, 'clawgate.json')), false);
});

test('config set keeps the previous file as clawgate.json.bak', async (t) => {
  const dir = tempStateDir(t);
  await cli(dir, 'config', 'set', 'gateway.port', '19001');
  await cli(dir, 'config', 'set', 'gateway.port', '19002');
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'clawgate.json.bak'), 'utf8')), { gateway: { port: 19001 } });
});

test('values parse as JSON5; a bare word is a string', () => {
  assert.equal(parseValue('19001'), 19001);
  assert.equal(parseValue('true'), true);
  assert.equal(parseValue('"lan"'), 'lan');
  assert.equal(parseValue("'lan'"), 'lan');
  assert.equal(parseValue('lan'), 'lan');
  assert.deepEqual(parseValue('[1, 2,]'), [1, 2]);
  assert.deepEqual(parseValue('{a: 1}'), { a: 1 });
});

test('config set gateway.auth.token refuses what the gateway refuses (a placeholder, a short token) and writes a strong one', async (t) => {
  const dir = tempStateDir(t);
  const path = join(dir, 'clawgate.json');
  assert.equal((await cli(dir, 'config', 'set', 'gateway.port', '19001')).code, 0);
  const before = readFileSync(path);
  for (const [value, why] of [['changeme', /it is a placeholder/], ['CHANGEME', /it is a placeholder/], ['abc123def456', /bits of entropy, fewer than the 256 required/]] as const) {
    const r = await cli(dir, 'config', 'set', 'gateway.auth.token', value);
    assert.equal(r.code, 2, value);
    assert.match(r.err, /refusing to write an invalid config: gateway\.auth\.token: the gateway refuses this token/, value);
    assert.match(r.err, why, value);
    assert.match(r.err, /clawgate gateway token rotate/, value);
    assert.ok(!r.err.includes(value), 'the refused value is not echoed');
    assert.deepEqual(readFileSync(path), before, `${value}: file unchanged`);
  }
  const strong = '3c1e5a7b9d2f4a6c8e0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c';
  assert.equal((await cli(dir, 'config', 'set', 'gateway.auth.token', strong)).code, 0);
});

test('a config that already holds a weak token stays readable, and gateway token rotate replaces it', async (t) => {
  const dir = tempStateDir(t);
  const path = join(dir, 'clawgate.json');
  writeFileSync(path, JSON.stringify({ gateway: { port: 19002, auth: { token: 'changeme' } } }), { mode: 0o600 });
  const get = await cli(dir, 'config', 'get', 'gateway.port');
  assert.equal(get.code, 0, get.err);
  const other = await cli(dir, 'config', 'set', 'gateway.port', '19003');
  assert.equal(other.code, 2, 'no write keeps a token the gateway refuses');
  assert.match(other.err, /gateway\.auth\.token: the gateway refuses this token/);
  const rotate = await cli(dir, 'gateway', 'token', 'rotate');
  assert.equal(rotate.code, 0, rotate.err);
  assert.notEqual(JSON.parse(readFileSync(path, 'utf8')).gateway.auth.token, 'changeme');
  assert.equal((await cli(dir, 'config', 'set', 'gateway.port', '19003')).code, 0);
});

test('config set refuses the redacted placeholder that config get prints, naming it, and leaves the file unchanged', async (t) => {
  const dir = tempStateDir(t);
  assert.equal((await cli(dir, 'config', 'set', 'models.providers.oa.api', 'openai-completions')).code, 0);
  const path = join(dir, 'clawgate.json');
  const before = readFileSync(path);
  for (const [key, value] of [['gateway.auth.token', '[redacted 43 chars]'], ['models.providers.oa.apiKey', '[redacted 51 chars]']] as const) {
    const r = await cli(dir, 'config', 'set', key, value);
    assert.equal(r.code, 2, key);
    assert.match(r.err, new RegExp(`${key.replace(/\./g, '\\.')}: this is a redacted placeholder`), key);
    assert.doesNotMatch(r.err, /refuses this token/, 'not reported as a weak token');
    assert.deepEqual(readFileSync(path), before);
  }
});
