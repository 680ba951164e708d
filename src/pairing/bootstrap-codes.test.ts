import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BOOTSTRAP_CODE_TTL_MS, BootstrapCodes, MAX_LIVE_BOOTSTRAP_CODES } from './bootstrap-codes.js';

test('a code is good until its minute is up, and for one try only', () => {
  const codes = new BootstrapCodes();
  const a = codes.issue(['operator.admin'], 'rpc:owner', 1_000);
  assert.equal(a.expiresAtMs, 1_000 + BOOTSTRAP_CODE_TTL_MS);
  assert.deepEqual(codes.consume(a.code, 1_000 + BOOTSTRAP_CODE_TTL_MS - 1), { ok: true, scopes: ['operator.admin'], issuedBy: 'rpc:owner' });
  assert.deepEqual(codes.consume(a.code, 1_001), { ok: false, why: 'unknown' });
});

test('an expired code says so once, then is gone like any used code', () => {
  const codes = new BootstrapCodes();
  const a = codes.issue(['operator.read'], 'rpc:owner', 0);
  assert.deepEqual(codes.consume(a.code, BOOTSTRAP_CODE_TTL_MS), { ok: false, why: 'expired' });
  assert.deepEqual(codes.consume(a.code, 0), { ok: false, why: 'unknown' });
});

test('codes are distinct, and at most MAX_LIVE_BOOTSTRAP_CODES live at once (the oldest goes)', () => {
  const codes = new BootstrapCodes();
  const issued = Array.from({ length: MAX_LIVE_BOOTSTRAP_CODES + 1 }, () => codes.issue([], 'x', 0));
  assert.equal(new Set(issued.map((c) => c.code)).size, issued.length);
  assert.equal(codes.liveCount(0), MAX_LIVE_BOOTSTRAP_CODES);
  assert.equal(codes.consume(issued[0]!.code, 0).ok, false);
  assert.equal(codes.consume(issued.at(-1)!.code, 0).ok, true);
  assert.equal(codes.liveCount(BOOTSTRAP_CODE_TTL_MS), 0);
});

test('a wrong code of the right shape consumes nothing', () => {
  const codes = new BootstrapCodes();
  const a = codes.issue([], 'x', 0);
  assert.equal(codes.consume(`${a.code.slice(0, -1)}${a.code.endsWith('A') ? 'B' : 'A'}`, 0).ok, false);
  assert.equal(codes.consume(a.code, 0).ok, true);
});
