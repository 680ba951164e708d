import { test } from 'node:test';
import assert from 'node:assert/strict';
import { truncateReason } from './close-reason.js';
import { CLOSE_REASON_MAX_BYTES } from './limits.js';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

test('the default limit fits a close frame (RFC 6455 allows 123 bytes)', () => {
  assert.ok(CLOSE_REASON_MAX_BYTES <= 123);
  assert.equal(CLOSE_REASON_MAX_BYTES, 120);
});

test('a reason within the limit is returned unchanged, up to exactly the limit', () => {
  assert.equal(truncateReason(''), '');
  assert.equal(truncateReason('pairing required'), 'pairing required');
  const exact = 'x'.repeat(CLOSE_REASON_MAX_BYTES);
  assert.equal(truncateReason(exact), exact);
  const exactMulti = '€'.repeat(CLOSE_REASON_MAX_BYTES / 3);
  assert.equal(truncateReason(exactMulti), exactMulti);
});

test('ASCII is cut at the byte limit', () => {
  assert.equal(truncateReason('y'.repeat(500)), 'y'.repeat(CLOSE_REASON_MAX_BYTES));
});

test('multibyte characters are never split: the cut backs off to the last whole character', () => {
  // 2-byte é: 61 of them are 122 bytes -> 60 fit exactly.
  assert.equal(truncateReason('é'.repeat(61)), 'é'.repeat(60));
  // 'a' + 3-byte €: the 120-byte cut would land inside the 40th euro sign.
  assert.equal(truncateReason(`a${'€'.repeat(40)}`), `a${'€'.repeat(39)}`);
  assert.equal(truncateReason(`ab${'€'.repeat(40)}`), `ab${'€'.repeat(39)}`);
  // 4-byte emoji (a surrogate pair in JS): never half a pair.
  assert.equal(truncateReason('😀'.repeat(31)), '😀'.repeat(30));
  assert.equal(truncateReason(`abc${'😀'.repeat(30)}`), `abc${'😀'.repeat(29)}`);
});

test('a custom limit works the same way, down to zero', () => {
  assert.equal(truncateReason('héllo', 2), 'h');
  assert.equal(truncateReason('héllo', 3), 'hé');
  assert.equal(truncateReason('€uro', 2), '');
  assert.equal(truncateReason('abc', 0), '');
});

test('for mixed text the result is always a whole-character prefix within the limit', () => {
  const alphabet = ['a', 'Z', ' ', 'é', 'ß', '€', '中', '😀', '👍🏽', '\u0301'];
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 300; i++) {
    let s = '';
    const len = Math.floor(rand() * 80);
    for (let j = 0; j < len; j++) s += alphabet[Math.floor(rand() * alphabet.length)];
    const limit = Math.floor(rand() * 130);
    const out = truncateReason(s, limit);
    assert.ok(bytes(out) <= limit || out === s, `within ${limit} bytes`);
    assert.ok(s.startsWith(out), 'a prefix of the input');
    assert.ok(!out.includes('\uFFFD'), 'no replacement character');
    if (bytes(s) <= limit) assert.equal(out, s);
    else {
      // Maximal: the next whole character would not have fit.
      const next = [...s.slice(out.length)][0]!;
      assert.ok(bytes(out) + bytes(next) > limit, `the cut is as late as possible (${limit})`);
    }
  }
});
