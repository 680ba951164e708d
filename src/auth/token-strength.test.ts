import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mintToken } from './tokens.js';
import { estimateEntropyBits, tokenWeakness } from './token-strength.js';

test('generated tokens pass: 32 random bytes as base64url or hex', () => {
  for (let i = 0; i < 50; i++) assert.equal(tokenWeakness(mintToken()), undefined);
  assert.equal(tokenWeakness(randomBytes(32).toString('hex')), undefined);
});

test('SL-PLACEHOLDER-AND-ECHO: placeholders from docs and examples are refused whatever their case', () => {
  for (const t of ['changeme', 'CHANGEME', 'your-gateway-token', '<token>', 'secret']) assert.match(tokenWeakness(t)!, /placeholder/);
});

test('short or repetitive tokens are refused', () => {
  assert.match(tokenWeakness(randomBytes(24).toString('hex'))!, /bits of entropy/);
  assert.match(tokenWeakness('a'.repeat(200))!, /bits of entropy/);
  assert.match(tokenWeakness('ab'.repeat(100))!, /bits of entropy/);
  assert.ok(estimateEntropyBits(mintToken()) >= 256);
});
