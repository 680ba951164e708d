import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { getPath, setPath, unsetPath } from './key-path.js';

function usage(pattern: RegExp) {
  return (err: unknown) => err instanceof ClawgateError && err.code === 'USAGE' && pattern.test(err.message);
}

test('malformed paths are USAGE errors naming the path, for get, set and unset alike', () => {
  for (const bad of ['', ' ', '.', 'a.', '.a', 'a..b']) {
    const named = new RegExp(`invalid config key path "${bad.replace(/\./g, '\\.')}"`);
    assert.throws(() => getPath({}, bad), usage(named), JSON.stringify(bad));
    assert.throws(() => setPath({}, bad, 1), usage(named), JSON.stringify(bad));
    assert.throws(() => unsetPath({}, bad), usage(named), JSON.stringify(bad));
  }
});

test('prototype keys are refused anywhere in the path and nothing is polluted', () => {
  for (const bad of ['__proto__', 'a.__proto__.b', 'constructor.prototype', 'gateway.constructor', 'prototype']) {
    assert.throws(() => setPath({}, bad, { polluted: true }), usage(/invalid config key path/), bad);
    assert.throws(() => getPath({}, bad), usage(/invalid config key path/), bad);
    assert.throws(() => unsetPath({}, bad), usage(/invalid config key path/), bad);
  }
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

test('getPath: own keys only; missing, through a primitive or null, is undefined', () => {
  const root = { gateway: { port: 1, auth: null, list: ['a', 'b'] } };
  assert.equal(getPath(root, 'gateway.port'), 1);
  assert.equal(getPath(root, 'gateway.auth'), null);
  assert.equal(getPath(root, 'gateway.auth.token'), undefined);
  assert.equal(getPath(root, 'gateway.port.x'), undefined);
  assert.equal(getPath(root, 'gateway.list.1'), 'b');
  assert.equal(getPath(root, 'gateway.toString'), undefined, 'inherited properties are not config');
  assert.equal(getPath(root, 'nope.deeper'), undefined);
  assert.equal(getPath(undefined, 'a'), undefined);
  assert.equal(getPath(null, 'a'), undefined);
});

test('setPath returns a copy, creates objects on the way and never mutates its input', () => {
  const root = { gateway: { port: 1 } };
  const frozen = structuredClone(root);
  const next = setPath(root, 'gateway.auth.mode', 'none');
  assert.deepEqual(root, frozen);
  assert.deepEqual(next, { gateway: { port: 1, auth: { mode: 'none' } } });
  assert.deepEqual(setPath(undefined, 'a.b', 1), { a: { b: 1 } });
  assert.deepEqual(setPath(null, 'a', 1), { a: 1 });
  assert.deepEqual(setPath({ a: { b: 1 } }, 'a', 2), { a: 2 }, 'a leaf may replace a subtree');
});

test('setPath through a non-object (primitive, null or array) is a USAGE error naming the key', () => {
  assert.throws(() => setPath({ a: 1 }, 'a.b', 2), usage(/cannot set a\.b: a is not an object/));
  assert.throws(() => setPath({ a: null }, 'a.b', 2), usage(/a is not an object/));
  assert.throws(() => setPath({ a: ['x'] }, 'a.b', 2), usage(/a is not an object/));
  assert.throws(() => setPath({ a: { b: 'str' } }, 'a.b.c', 2), usage(/cannot set a\.b\.c: b is not an object/));
});

test('unsetPath prunes parents left empty, keeps non-empty ones, and never mutates its input', () => {
  const root = { gateway: { auth: { token: 't' }, port: 1 }, other: { x: 1 } };
  const frozen = structuredClone(root);
  const { result, removed } = unsetPath(root, 'gateway.auth.token');
  assert.equal(removed, true);
  assert.deepEqual(result, { gateway: { port: 1 }, other: { x: 1 } });
  assert.deepEqual(root, frozen);
  assert.deepEqual(unsetPath({ a: { b: { c: 1 } } }, 'a.b.c'), { result: {}, removed: true });
  assert.deepEqual(unsetPath({ a: { b: { c: 1 }, d: 2 } }, 'a.b.c'), { result: { a: { d: 2 } }, removed: true });
});

test('unsetPath of something not set reports removed: false and returns an equal copy', () => {
  const root = { a: { b: 1 }, s: 'x' };
  assert.deepEqual(unsetPath(root, 'a.c'), { result: root, removed: false });
  assert.deepEqual(unsetPath(root, 'z.y'), { result: root, removed: false });
  assert.deepEqual(unsetPath(root, 's.length'), { result: root, removed: false }, 'through a primitive');
  assert.deepEqual(unsetPath(root, 'a.toString'), { result: root, removed: false }, 'inherited keys are not set');
  assert.deepEqual(unsetPath(undefined, 'a'), { result: {}, removed: false });
});
