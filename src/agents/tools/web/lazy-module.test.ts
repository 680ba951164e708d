import assert from 'node:assert/strict';
import test from 'node:test';
import { namedExports } from './lazy-module.js';

test('a bundled CommonJS package (only a default export) gives the names of its module.exports', () => {
  class Agent {}
  const bundled = { default: { Agent, fetch: () => 1 } };
  assert.equal(namedExports(bundled as unknown as { Agent: typeof Agent }).Agent, Agent);
});

test('a namespace with names (Node loading CommonJS or ESM) is used as it is', () => {
  class Agent {}
  const node = { Agent, default: { Agent: 'other' } };
  assert.equal(namedExports(node).Agent, Agent);
  const esm = { parseHTML: () => 1 };
  assert.equal(namedExports(esm), esm);
});
