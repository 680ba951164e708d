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
