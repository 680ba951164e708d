import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionCapFor, defaultConnectionCap, parseSoftFileLimit, softFileLimit } from './connection-cap.js';
import { FD_RESERVE_MIN, MAX_CONNECTIONS, MIN_CONNECTION_CAP } from './limits.js';

const PROC_LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`;

test('the soft file limit is read from the "Max open files" row of /proc/self/limits', () => {
  assert.equal(parseSoftFileLimit(PROC_LIMITS), 1024);
  assert.equal(parseSoftFileLimit(PROC_LIMITS.replace(/1024 {17}524288/, 'unlimited            unlimited')), Number.POSITIVE_INFINITY);
  assert.equal(parseSoftFileLimit('Limit  Soft Limit\nMax cpu time  unlimited\n'), undefined);
  assert.equal(parseSoftFileLimit('Max open files            lots                 lots                 files\n'), undefined);
});

test('the cap leaves room below the file limit for the store, logs and outbound sockets', () => {
  const cap = connectionCapFor(1024);
  assert.ok(cap < 1024 - FD_RESERVE_MIN, `cap ${cap} leaves at least ${FD_RESERVE_MIN} descriptors free`);
  assert.ok(cap > 1024 / 2, 'most of the limit is still usable');
  assert.equal(connectionCapFor(1_048_576), MAX_CONNECTIONS, 'a huge limit is still capped');
  assert.equal(connectionCapFor(Number.POSITIVE_INFINITY), MAX_CONNECTIONS);
  assert.equal(connectionCapFor(64), MIN_CONNECTION_CAP, 'a tiny limit still lets the owner in');
});

test("this process's cap sits below its own file limit", () => {
  const limit = softFileLimit();
  assert.ok(limit > 0);
  assert.ok(defaultConnectionCap() < limit || limit <= MIN_CONNECTION_CAP);
});
