import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { classifyLocality, isLoopbackAddress } from './locality.js';
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
