import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyLimiter } from './reply-limiter.js';

test('a sender gets at most N replies per window, then again once the window has moved on; others are not affected', () => {
  const l = new ReplyLimiter(3, 1000, 100);
  assert.deepEqual([0, 10, 20, 30, 40].map((t) => l.allow('a', t)), [true, true, true, false, false]);
  assert.equal(l.allow('b', 50), true);
  assert.equal(l.allow('a', 1001), true, 'the first reply left the window');
  assert.equal(l.allow('a', 1005), false);
});

test('memory is bounded: the least recently seen senders are forgotten first', () => {
  const l = new ReplyLimiter(1, 1_000_000, 2);
  assert.equal(l.allow('a', 0), true);
  assert.equal(l.allow('b', 1), true);
  assert.equal(l.allow('c', 2), true);
  assert.equal(l.allow('a', 3), true, 'a was forgotten, so it is answered again');
  assert.equal(l.allow('c', 4), false, 'c is still tracked');
});
