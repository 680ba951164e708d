import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { isLoopbackAddress } from '../util/loopback.js';
import { classifyLocality, remoteIpOf } from './locality.js';
import { originAllowed } from './origin.js';

function req(remoteAddress: string, headers: Record<string, string> = {}): IncomingMessage {
  return { socket: { remoteAddress }, headers: { host: '127.0.0.1:18789', ...headers } } as unknown as IncomingMessage;
}

test('loopback peers without forwarding headers are local', () => {
  assert.equal(classifyLocality(req('127.0.0.1')), 'loopback-direct');
  assert.equal(classifyLocality(req('::1', { host: '[::1]:18789' })), 'loopback-direct');
  assert.equal(classifyLocality(req('::ffff:127.0.0.1', { host: 'localhost:18789' })), 'loopback-direct');
});

test('NL-PROXY-LOCALITY: forwarding headers or a foreign Host make a loopback socket non-local', () => {
  for (const h of ['x-forwarded-for', 'x-real-ip', 'forwarded', 'x-forwarded-host']) {
    assert.equal(classifyLocality(req('127.0.0.1', { [h]: '203.0.113.9' })), 'loopback-forwarded', h);
  }
  assert.equal(classifyLocality(req('127.0.0.1', { host: 'evil.example:18789' })), 'loopback-forwarded');
  assert.equal(classifyLocality(req('192.168.1.20')), 'remote');
  assert.ok(!isLoopbackAddress('10.0.0.1'));
});

test('browser origins: own loopback origin or configured list only', () => {
  assert.ok(originAllowed('http://127.0.0.1:18789', 18789, []));
  assert.ok(originAllowed('http://localhost:18789', 18789, []));
  assert.ok(!originAllowed('http://localhost:3000', 18789, []));
  assert.ok(!originAllowed('https://evil.example', 18789, []));
  assert.ok(originAllowed('https://dash.example', 18789, ['https://dash.example']));
  assert.ok(!originAllowed('null', 18789, []));
});

test('browser origins, table: loopback means an IP literal or localhost on the gateway port; allowlist entries match scheme, host and port exactly', () => {
  const allowed = ['https://dash.example', 'http://dash.example:8080', 'null', 'file://'];
  const accepted = [
    'http://127.0.0.1:18789',
    'https://127.0.0.1:18789',
    'http://127.1.2.3:18789',
    'http://localhost:18789',
    'http://LOCALHOST:18789',
    'http://[::1]:18789',
    'http://[::ffff:127.0.0.1]:18789',
    'https://dash.example',
    'https://dash.example:443',
    'http://dash.example:8080',
  ];
  const refused = [
    'http://127.evil.example:18789',
    'http://127.0.0.1.evil.example:18789',
    'http://localhost.evil.example:18789',
    'http://localhost.:18789',
    'http://[::ffff:10.0.0.1]:18789',
    'http://[::2]:18789',
    'http://127.0.0.1:3000',
    'http://localhost',
    'ftp://127.0.0.1:18789',
    'ws://127.0.0.1:18789',
    'https://dash.example.evil.example',
    'https://dash.example:8443',
    'http://dash.example',
    'https://dash.exampl',
    'http://dash.example:8080.evil.example',
    // Listed, but not an http(s) origin: the scheme check applies to allowlist entries too.
    'null',
    'file://',
    '',
  ];
  for (const origin of accepted) assert.equal(originAllowed(origin, 18789, allowed), true, `accepted: ${origin}`);
  for (const origin of refused) assert.equal(originAllowed(origin, 18789, allowed), false, `refused: ${origin}`);
});

test('Host headers, table: only localhost or a loopback IP literal keeps a loopback socket local', () => {
  const local = ['127.0.0.1:18789', '127.0.0.1', '127.9.9.9:1', 'localhost:18789', 'LocalHost', ' localhost:18789 ', '[::1]:18789', '[::1]', '[::ffff:127.0.0.1]:18789'];
  const notLocal = [
    '127.evil.example:18789',
    '127.evil.example',
    '127.0.0.1.evil.example:18789',
    'localhost.evil.example:18789',
    'localhost.:18789',
    'evil.example',
    '[::2]:18789',
    '::1',
    '[127.0.0.1]:18789',
    'evil@127.0.0.1:18789',
    '127.0.0.1:port',
    '127.0.0.1:18789:1',
    // Junk before a loopback name is not skipped: the whole header must be one host (and port).
    'evil.example:127.0.0.1',
    'evil.example:1:localhost',
  ];
  for (const host of local) assert.equal(classifyLocality(req('127.0.0.1', { host })), 'loopback-direct', `local: ${host}`);
  for (const host of notLocal) assert.equal(classifyLocality(req('127.0.0.1', { host })), 'loopback-forwarded', `not local: ${host}`);
  // A look-alike peer address is no address: only the socket's real loopback peer counts.
  assert.equal(classifyLocality(req('::ffff:10.0.0.1')), 'remote');
});

function bare(remoteAddress: string | undefined, headers: Record<string, string> = {}): IncomingMessage {
  return { socket: { remoteAddress }, headers } as unknown as IncomingMessage;
}

test('a loopback socket with no Host header at all (an HTTP/1.0 client by hand) is local; a Host header names the machine or not', () => {
  assert.equal(classifyLocality(bare('127.0.0.1')), 'loopback-direct');
  assert.equal(classifyLocality(bare('::1')), 'loopback-direct');
  assert.equal(classifyLocality(bare('127.0.0.1', { host: 'evil.example' })), 'loopback-forwarded');
  // No Host header does not excuse a forwarding header.
  assert.equal(classifyLocality(bare('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' })), 'loopback-forwarded');
  assert.equal(classifyLocality(bare('203.0.113.9')), 'remote');
  assert.equal(classifyLocality(bare(undefined)), 'remote');
});

test('the peer address is reported without the IPv4-mapped prefix; other addresses as they are', () => {
  assert.equal(remoteIpOf(bare('::ffff:203.0.113.9')), '203.0.113.9');
  assert.equal(remoteIpOf(bare('::ffff:127.0.0.1')), '127.0.0.1');
  assert.equal(remoteIpOf(bare('203.0.113.9')), '203.0.113.9');
  assert.equal(remoteIpOf(bare('::1')), '::1');
  assert.equal(remoteIpOf(bare('2001:db8::ffff:1')), '2001:db8::ffff:1');
  // A socket that already closed has no address.
  assert.equal(remoteIpOf(bare(undefined)), undefined);
});
