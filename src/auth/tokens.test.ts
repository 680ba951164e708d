import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { TOKEN_BYTES, constantTimeEqual, hashToken, mintToken, tokenMatchesHash } from './tokens.js';

test('a minted token is 32 random bytes as unpadded base64url (43 characters), new every time', () => {
  const t = mintToken();
  assert.equal(TOKEN_BYTES, 32);
  assert.match(t, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(Buffer.from(t, 'base64url').length, TOKEN_BYTES);
  const many = new Set(Array.from({ length: 50 }, () => mintToken()));
  assert.equal(many.size, 50);
});

test('a token is stored as the lower-case hex SHA-256 of its UTF-8 bytes', () => {
  assert.equal(hashToken('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(hashToken('é'), createHash('sha256').update(Buffer.from([0xc3, 0xa9])).digest('hex'));
  assert.notEqual(hashToken('abc'), hashToken('abd'));
});

test('the presented token matches its own stored hash', () => {
  const t = mintToken();
  assert.equal(tokenMatchesHash(t, hashToken(t)), true);
});

test('a wrong token of the RIGHT LENGTH is refused: the stored hash is compared, not just its size', () => {
  const t = mintToken();
  const other = mintToken();
  assert.equal(other.length, t.length);
  assert.equal(tokenMatchesHash(other, hashToken(t)), false);
  // One character off, same length.
  const oneOff = (t[0] === 'A' ? 'B' : 'A') + t.slice(1);
  assert.equal(tokenMatchesHash(oneOff, hashToken(t)), false);
});

test('a stored hash that is not 32 bytes of hex never matches, and does not throw', () => {
  const t = mintToken();
  const stored = hashToken(t);
  assert.equal(tokenMatchesHash(t, stored.slice(0, 32)), false);
  assert.equal(tokenMatchesHash(t, stored + '00'), false);
  assert.equal(tokenMatchesHash(t, ''), false);
  assert.equal(tokenMatchesHash('', ''), false);
});

test('constant-time compare: equal strings are equal; a different string of the same length or another length is not', () => {
  const t = mintToken();
  assert.equal(constantTimeEqual(t, `${t}`), true);
  assert.equal(constantTimeEqual('', ''), true);
  const oneOff = t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A');
  assert.equal(oneOff.length, t.length);
  assert.equal(constantTimeEqual(oneOff, t), false);
  assert.equal(constantTimeEqual(t, t.slice(0, -1)), false);
  assert.equal(constantTimeEqual(t, `${t}x`), false);
  assert.equal(constantTimeEqual('', t), false);
});
