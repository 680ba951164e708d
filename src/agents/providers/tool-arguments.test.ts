import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseToolArguments, syntheticToolCallId } from './tool-arguments.js';

test('tool arguments parse to an object; invalid or non-object JSON becomes {}', () => {
  assert.deepEqual(parseToolArguments('{"path":"a","n":[1]}'), { path: 'a', n: [1] });
  assert.deepEqual(parseToolArguments(''), {});
  assert.deepEqual(parseToolArguments('   '), {});
  assert.deepEqual(parseToolArguments('{"path": "a"'), {});
  assert.deepEqual(parseToolArguments('[1,2]'), {});
  assert.deepEqual(parseToolArguments('"text"'), {});
  assert.deepEqual(parseToolArguments('null'), {});
});

test('synthetic tool call ids are distinct', () => {
  const ids = new Set(Array.from({ length: 50 }, syntheticToolCallId));
  assert.equal(ids.size, 50);
  for (const id of ids) assert.match(id, /^call_[0-9a-f]{16}$/);
});
