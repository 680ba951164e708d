import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { configProblems, loadConfig, writeConfig } from './load.js';
import { getPath, setPath, unsetPath } from './key-path.js';
import { effectiveGateway } from './schema.js';

function tempConfig(content?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cg-config-'));
  const path = join(dir, 'clawgate.json');
  if (content !== undefined) writeFileSync(path, content);
  return path;
}

function assertInvalid(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof ClawgateError && err.code === 'CONFIG_INVALID' && pattern.test(err.message));
}

test('a missing config means the embedded defaults', () => {
  const loaded = loadConfig(tempConfig());
  assert.equal(loaded.exists, false);
  const eff = effectiveGateway(loaded.config);
  assert.deepEqual([eff.port, eff.host, eff.authMode, eff.autoApproveRemoteWithToken], [18789, '127.0.0.1', 'token', false]);
});

test('JSON5 with comments and trailing commas loads', () => {
  const loaded = loadConfig(tempConfig('{ // mine\n gateway: { port: 19000, bind: "lan", },\n}'));
  assert.equal(effectiveGateway(loaded.config).host, '0.0.0.0');
});

test('unknown keys and wrong types are errors naming the key path', () => {
  assertInvalid(() => loadConfig(tempConfig('{gateway:{prot: 1}}')), /gateway\.prot/);
  assertInvalid(() => loadConfig(tempConfig('{gateway:{port: "x"}}')), /gateway\.port/);
  assertInvalid(() => loadConfig(tempConfig('{gateway:{auth:{mode:"password"}}}')), /gateway\.auth\.mode/);
});

test('corrupt or empty files are errors, never treated as empty config', () => {
  assertInvalid(() => loadConfig(tempConfig('{gateway: {')), /not valid JSON5/);
  assertInvalid(() => loadConfig(tempConfig('')), /empty/);
});

test('auth mode none is refused on a non-loopback bind', () => {
  assertInvalid(() => loadConfig(tempConfig('{gateway:{bind:"lan",auth:{mode:"none"}}}')), /only with a loopback bind/);
});

test('auth mode none: a loopback bind is an IP literal, never a look-alike name (which is no valid bind at all)', () => {
  for (const bind of ['127.evil.example', '127.0.0.1.evil.example', 'localhost.evil.example']) {
    assertInvalid(() => loadConfig(tempConfig(`{gateway:{bind:"${bind}",auth:{mode:"none"}}}`)), /gateway\.bind: ".*" is not loopback, lan or an IP address/);
  }
  for (const bind of ['loopback', '127.0.0.2', '::1']) {
    assert.equal(effectiveGateway(loadConfig(tempConfig(`{gateway:{bind:"${bind}",auth:{mode:"none"}}}`)).config).authMode, 'none', bind);
  }
});

test('writes are validated, atomic, 0600, and keep the previous file as .bak', () => {
  const path = tempConfig('{gateway:{port:1234}}');
  writeConfig(path, { gateway: { port: 2345 } });
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.match(readFileSync(`${path}.bak`, 'utf8'), /1234/);
  assert.equal(loadConfig(path).config.gateway?.port, 2345);
  assertInvalid(() => writeConfig(path, { gateway: { port: 0 } }), /gateway\.port/);
  assert.equal(loadConfig(path).config.gateway?.port, 2345);
});

test('key paths: get, set and unset with pruning', () => {
  const c = setPath({}, 'gateway.auth.mode', 'none');
  assert.equal(getPath(c, 'gateway.auth.mode'), 'none');
  assert.deepEqual(unsetPath(c, 'gateway.auth.mode'), { result: {}, removed: true });
  assert.equal(unsetPath(c, 'gateway.nope').removed, false);
  assert.throws(() => setPath({}, '__proto__.x', 1), ClawgateError);
  assert.throws(() => setPath({ gateway: { port: 1 } }, 'gateway.port.x', 1), /not an object/);
});

test('gateway.bind must be loopback, lan or an IP literal; anything else is a problem naming the key', () => {
  for (const bind of ['loopback', 'lan', '127.0.0.1', '0.0.0.0', '192.168.1.20', '::1', '::', 'fe80::1']) {
    assert.equal(loadConfig(tempConfig(JSON.stringify({ gateway: { bind } }))).config.gateway?.bind, bind);
  }
  for (const bind of ['nonsense', 'localhost', 'my-host.lan', '127.0.0.256', '0.0.0.0:18789', 'LAN']) {
    assertInvalid(() => loadConfig(tempConfig(JSON.stringify({ gateway: { bind } }))), new RegExp(`gateway\\.bind: "${bind.replace(/\./g, '\\.')}" is not loopback, lan or an IP address`));
  }
  assertInvalid(() => loadConfig(tempConfig(JSON.stringify({ gateway: { bind: '[::1]' } }))), /write an IPv6 address without brackets: ::1/);
  assert.deepEqual(configProblems({ gateway: { bind: 'nonsense', auth: { mode: 'none' } } }), ['gateway.bind: "nonsense" is not loopback, lan or an IP address (such as 127.0.0.1, 0.0.0.0, ::1, 192.168.1.20)'], 'one cause, not a guess about loopback');
});
