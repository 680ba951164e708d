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

test('cover, missing and union', () => {
  assert.ok(scopesCover(['operator.admin'], ['operator.read', 'operator.pairing']));
  assert.ok(scopesCover([], []));
  assert.deepEqual(missingScopes(['operator.read'], ['operator.read', 'operator.write']), ['operator.write']);
  assert.deepEqual(unionScopes(['b', 'a'], ['a', 'c']), ['a', 'b', 'c']);
});
