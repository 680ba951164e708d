import { test } from 'node:test';
import assert from 'node:assert/strict';
import { originAllowed } from './origin.js';

const PORT = 18789;

test('a look-alike host name is not loopback: localhost.evil.example and 127.0.0.1.evil.example are refused on the gateway port', () => {
  for (const origin of ['http://localhost.evil.example:18789', 'http://127.0.0.1.evil.example:18789', 'https://localhost.evil.example:18789', 'http://evil-localhost:18789']) {
    assert.equal(originAllowed(origin, PORT, []), false, origin);
  }
});

test("the gateway's own loopback origin counts on the gateway's port only, whatever the scheme", () => {
  assert.equal(originAllowed('http://localhost:18789', PORT, []), true);
  assert.equal(originAllowed('https://localhost:18789', PORT, []), true);
  assert.equal(originAllowed('http://localhost:18790', PORT, []), false);
  // No port in the origin is the scheme's default port, which is not the gateway's.
  assert.equal(originAllowed('http://127.0.0.1', PORT, []), false);
  // ...unless the gateway listens there.
  assert.equal(originAllowed('http://127.0.0.1', 80, []), true);
  assert.equal(originAllowed('https://127.0.0.1', 443, []), true);
  assert.equal(originAllowed('https://127.0.0.1', 80, []), false);
});

test('an allowlist entry matched by prefix only is refused: host and port must be equal, not start the same', () => {
  const allowed = ['https://dash.example'];
  assert.equal(originAllowed('https://dash.example', PORT, allowed), true);
  for (const origin of ['https://dash.example.evil.example', 'https://dash.examplex', 'https://dash.example:4430', 'https://dash.ex']) {
    assert.equal(originAllowed(origin, PORT, allowed), false, origin);
  }
});

test('an allowlist entry matches its own scheme only: https:// listed does not let http:// on the same host and port in, nor the reverse', () => {
  assert.equal(originAllowed('http://dash.example:443', PORT, ['https://dash.example']), false);
  assert.equal(originAllowed('https://dash.example:80', PORT, ['http://dash.example']), false);
  assert.equal(originAllowed('http://dash.example', PORT, ['http://dash.example']), true);
  assert.equal(originAllowed('http://dash.example:80', PORT, ['http://dash.example']), true);
});

test("an allowlist entry without a port means its scheme's default port: 443 for https, 80 for http", () => {
  assert.equal(originAllowed('https://dash.example:443', PORT, ['https://dash.example']), true);
  assert.equal(originAllowed('https://dash.example:80', PORT, ['https://dash.example']), false);
  assert.equal(originAllowed('http://dash.example:80', PORT, ['http://dash.example']), true);
  assert.equal(originAllowed('http://dash.example:443', PORT, ['http://dash.example']), false);
  assert.equal(originAllowed('https://dash.example', PORT, ['https://dash.example:443']), true);
});

test('any entry of the allowlist may match, and entries that are no http(s) origin never do', () => {
  const allowed = ['not a url', 'null', 'file:///tmp', 'https://one.example', 'https://two.example:8443'];
  assert.equal(originAllowed('https://two.example:8443', PORT, allowed), true);
  assert.equal(originAllowed('https://one.example', PORT, allowed), true);
  assert.equal(originAllowed('https://three.example', PORT, allowed), false);
  assert.equal(originAllowed('null', PORT, allowed), false);
  assert.equal(originAllowed('file:///tmp', PORT, allowed), false);
});

test('an origin that is no http(s) URL is refused even on loopback and the gateway port', () => {
  for (const origin of ['ws://127.0.0.1:18789', 'ftp://localhost:18789', 'not a url', '', 'null']) {
    assert.equal(originAllowed(origin, PORT, ['ws://127.0.0.1:18789', 'ftp://localhost:18789']), false, origin);
  }
});
