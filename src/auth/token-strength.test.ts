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

test('every documented placeholder is refused, surrounding whitespace and case notwithstanding', () => {
  const placeholders = [
    'changeme', 'change-me', 'change_me', 'replace-me', 'replace_me', 'your-token', 'your_token', 'your-token-here',
    'your-gateway-token', 'your_gateway_token', '<token>', '<gateway-token>', 'token', 'secret', 'password', 'example',
    'placeholder', 'test-token', 'dev-token', 'clawgate', 'openclaw',
  ];
  for (const t of placeholders) {
    assert.equal(tokenWeakness(t), 'it is a placeholder copied from documentation or examples', t);
    assert.equal(tokenWeakness(`  ${t.toUpperCase()}\t`), 'it is a placeholder copied from documentation or examples', t);
  }
});

test('a strong token that merely contains a placeholder is accepted', () => {
  assert.equal(tokenWeakness(`changeme${randomBytes(32).toString('base64url')}`), undefined);
  assert.equal(tokenWeakness(`${randomBytes(32).toString('hex')}secret`), undefined);
});

test('an empty token has no entropy', () => {
  assert.equal(estimateEntropyBits(''), 0);
  assert.equal(tokenWeakness(''), 'it has about 0 bits of entropy, fewer than the 256 required (32 random bytes)');
});

test('hex in one case counts 4 bits a character; mixed case counts as base64 (6 bits)', () => {
  assert.equal(estimateEntropyBits('0123456789abcdef'.repeat(4)), 256);
  assert.equal(estimateEntropyBits('0123456789ABCDEF'.repeat(4)), 256);
  assert.equal(estimateEntropyBits('0123456789abcDEF'.repeat(4)), 384);
  // A non-hex character anywhere makes it base64, not hex.
  assert.equal(estimateEntropyBits('g0123456789abcdef'), 102);
  assert.equal(estimateEntropyBits('0123456789abcdefg'), 102);
  assert.equal(estimateEntropyBits('G0123456789ABCDEF'), 102);
  assert.equal(estimateEntropyBits('0123456789ABCDEFG'), 102);
});

test('base64 and base64url count 6 bits a character, trailing padding not counted', () => {
  assert.equal(estimateEntropyBits('abcdefghij-_'), 72);
  assert.equal(estimateEntropyBits('abcdefghij+/'), 72);
  assert.equal(estimateEntropyBits('abcdefghij=='), 60);
  assert.equal(estimateEntropyBits('abcdefghij+/='), 72);
  assert.equal(estimateEntropyBits('ABCDEFGHIJ0123456789'), 120);
});

test('other printable characters count log2(94) bits each, rounded down', () => {
  // Mixing the two base64 alphabets, a symbol outside both, or padding before the end: the 94-character alphabet.
  assert.equal(estimateEntropyBits('abcdefghij-+'), 78);
  assert.equal(estimateEntropyBits('-abcdefghij/'), 78);
  assert.equal(estimateEntropyBits('abcdefghi!'), 65);
  assert.equal(estimateEntropyBits('!abcdefghi'), 65);
  assert.equal(estimateEntropyBits('abcdefghij=klm'), 91);
  assert.equal(estimateEntropyBits('=abcdefghijklm'), 91);
});

test('up to 8 distinct characters are judged by their count, not their alphabet', () => {
  assert.equal(estimateEntropyBits('abcdefgh'.repeat(10)), 240);
  assert.equal(estimateEntropyBits('abcdefghi'.repeat(9)), 486);
  assert.equal(estimateEntropyBits('ab'.repeat(100)), 200);
  assert.equal(estimateEntropyBits('a'.repeat(200)), 0);
});

test('256 bits is the threshold: 255 is refused with the estimate in the reason, 256 accepted', () => {
  const t255 = '!abcdefghijklmnopqrstuvwxyz0123456789AB'; // 39 characters of the 94 alphabet: floor(39 * 6.55) = 255
  assert.equal(estimateEntropyBits(t255), 255);
  assert.equal(tokenWeakness(t255), 'it has about 255 bits of entropy, fewer than the 256 required (32 random bytes)');
  assert.equal(tokenWeakness(`${t255}C`), undefined);
  assert.equal(tokenWeakness('0123456789abcdef'.repeat(4)), undefined);
  assert.equal(tokenWeakness('0123456789abcdef'.repeat(4).slice(1)), 'it has about 252 bits of entropy, fewer than the 256 required (32 random bytes)');
});
