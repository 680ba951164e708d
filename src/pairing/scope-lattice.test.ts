import { test } from 'node:test';
import assert from 'node:assert/strict';
import { missingScopes, scopeAllows, scopesCover, unionScopes } from './scope-lattice.js';

test('admin implies every operator scope, including ones that do not exist yet', () => {
  for (const s of ['operator.read', 'operator.write', 'operator.approvals', 'operator.pairing', 'operator.talk.secrets', 'operator.questions']) {
    assert.ok(scopeAllows(['operator.admin'], s), s);
  }
  assert.ok(!scopeAllows(['operator.admin'], 'node.exec'));
});

test('write implies read, nothing else is implied', () => {
  assert.ok(scopeAllows(['operator.write'], 'operator.read'));
  assert.ok(!scopeAllows(['operator.read'], 'operator.write'));
  assert.ok(!scopeAllows(['operator.pairing'], 'operator.read'));
  assert.ok(!scopeAllows([], 'operator.read'));
});

test('operator.write does not grant operator.admin, nor any other operator scope but read', () => {
  assert.equal(scopeAllows(['operator.write'], 'operator.admin'), false);
  assert.equal(scopeAllows(['operator.write'], 'operator.pairing'), false);
  assert.equal(scopeAllows(['operator.write'], 'operator.approvals'), false);
  assert.equal(scopeAllows(['operator.write', 'operator.read'], 'operator.admin'), false);
  assert.equal(scopesCover(['operator.write'], ['operator.read', 'operator.admin']), false);
  assert.deepEqual(missingScopes(['operator.write'], ['operator.read', 'operator.admin', 'operator.write']), ['operator.admin']);
});

test('admin implies operator.* only by the operator. prefix, not by a look-alike name', () => {
  assert.equal(scopeAllows(['operator.admin'], 'operatorxread'), false);
  assert.equal(scopeAllows(['operator.admin'], 'node.operator.read'), false);
  assert.equal(scopeAllows(['operator.admin'], 'operator'), false);
  // Any other granted scope implies nothing beyond itself, even an operator.* one.
  assert.equal(scopeAllows(['operator.read'], 'operator.admin'), false);
  assert.equal(scopeAllows(['operator.approvals'], 'operator.pairing'), false);
  assert.equal(scopeAllows(['node.exec'], 'node.exec'), true);
});

test('read granted by write is only operator.read: write does not stand in for a non-operator scope', () => {
  assert.equal(scopeAllows(['operator.write'], 'node.read'), false);
  assert.equal(scopeAllows(['operator.write'], 'read'), false);
});

test('missing lists exactly the requested scopes not allowed, in request order; cover is true only when none is missing', () => {
  assert.deepEqual(missingScopes(['operator.admin'], ['operator.read', 'node.exec', 'operator.x', 'node.y']), ['node.exec', 'node.y']);
  assert.deepEqual(missingScopes([], []), []);
  assert.deepEqual(missingScopes(['a'], ['a']), []);
  assert.equal(scopesCover(['operator.read'], ['operator.read', 'operator.write']), false);
  assert.equal(scopesCover(['operator.write'], ['operator.read', 'operator.write']), true);
  assert.equal(scopesCover([], ['operator.read']), false);
});

test('union is sorted and de-duplicated across any number of sets', () => {
  assert.deepEqual(unionScopes(), []);
  assert.deepEqual(unionScopes(['operator.write', 'operator.read', 'operator.write']), ['operator.read', 'operator.write']);
  assert.deepEqual(unionScopes(['c'], ['b', 'c'], ['a']), ['a', 'b', 'c']);
});

test('cover, missing and union', () => {
  assert.ok(scopesCover(['operator.admin'], ['operator.read', 'operator.pairing']));
  assert.ok(scopesCover([], []));
  assert.deepEqual(missingScopes(['operator.read'], ['operator.read', 'operator.write']), ['operator.write']);
  assert.deepEqual(unionScopes(['b', 'a'], ['a', 'c']), ['a', 'b', 'c']);
});
