import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthRateLimiter } from './rate-limit.js';

test('ten failures within a minute lock the address out for five minutes', () => {
  const rl = new AuthRateLimiter();
  for (let i = 0; i < 9; i++) assert.equal(rl.recordFailure('203.0.113.5', 'shared-secret', 1000 + i), false);
  assert.equal(rl.retryAfterMs('203.0.113.5', 'shared-secret', 1010), 0);
  assert.equal(rl.recordFailure('203.0.113.5', 'shared-secret', 1010), true);
  assert.equal(rl.retryAfterMs('203.0.113.5', 'shared-secret', 1010), 300_000);
  assert.equal(rl.retryAfterMs('203.0.113.5', 'shared-secret', 301_010), 0);
});

test('scopes and addresses are counted separately', () => {
  const rl = new AuthRateLimiter(2);
  rl.recordFailure('a', 'device-token', 0);
  rl.recordFailure('a', 'device-token', 1);
  assert.ok(rl.retryAfterMs('a', 'device-token', 2) > 0);
  assert.equal(rl.retryAfterMs('a', 'shared-secret', 2), 0);
  assert.equal(rl.retryAfterMs('b', 'device-token', 2), 0);
});

test('failures older than the window do not count', () => {
  const rl = new AuthRateLimiter(3, 1000);
  rl.recordFailure('a', 'shared-secret', 0);
  rl.recordFailure('a', 'shared-secret', 10);
  assert.equal(rl.recordFailure('a', 'shared-secret', 5000), false);
});

test('memory is bounded: the oldest addresses are forgotten first', () => {
  const rl = new AuthRateLimiter(10, 60_000, 300_000, 100);
  for (let i = 0; i < 1000; i++) rl.recordFailure(`10.0.${i >> 8}.${i & 255}`, 'shared-secret', i);
  assert.equal(rl.size, 100);
});

test('with real clock times (epoch milliseconds) ten failures within the window still lock the address out', () => {
  const rl = new AuthRateLimiter();
  const t0 = 1_700_000_000_000;
  for (let i = 0; i < 9; i++) assert.equal(rl.recordFailure('203.0.113.5', 'shared-secret', t0 + i * 1000), false);
  assert.equal(rl.recordFailure('203.0.113.5', 'shared-secret', t0 + 9000), true);
  assert.equal(rl.retryAfterMs('203.0.113.5', 'shared-secret', t0 + 9000), 300_000);
});

test('a failure exactly one window old no longer counts', () => {
  const rl = new AuthRateLimiter(2, 1000);
  assert.equal(rl.recordFailure('a', 'shared-secret', 0), false);
  assert.equal(rl.recordFailure('a', 'shared-secret', 1000), false);
  assert.equal(rl.retryAfterMs('a', 'shared-secret', 1000), 0);
  assert.equal(rl.recordFailure('a', 'shared-secret', 1999), true, 'the failures at 1000 and 1999 are within one window');
});

test('failures during a lockout do not extend it; once it has ended, enough failures lock again', () => {
  const rl = new AuthRateLimiter(2, 10_000, 100);
  rl.recordFailure('a', 'shared-secret', 0);
  assert.equal(rl.recordFailure('a', 'shared-secret', 1), true);
  assert.equal(rl.recordFailure('a', 'shared-secret', 50), false);
  assert.equal(rl.recordFailure('a', 'shared-secret', 60), false);
  assert.equal(rl.retryAfterMs('a', 'shared-secret', 60), 41, 'still the first lockout, ending at 101');
  // At the lockout's very end the failures counted meanwhile lock the address again.
  assert.equal(rl.recordFailure('a', 'shared-secret', 101), true);
  assert.equal(rl.retryAfterMs('a', 'shared-secret', 101), 100);
});

test('eviction forgets the address that failed least recently, not the one first seen', () => {
  const rl = new AuthRateLimiter(3, 60_000, 300_000, 2);
  rl.recordFailure('a', 'shared-secret', 0);
  rl.recordFailure('b', 'shared-secret', 1);
  rl.recordFailure('a', 'shared-secret', 2);
  rl.recordFailure('c', 'shared-secret', 3);
  assert.equal(rl.size, 2);
  // a was kept with its two failures: the third locks it out.
  assert.equal(rl.recordFailure('a', 'shared-secret', 4), true);
});
