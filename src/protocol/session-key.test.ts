import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClawgateError } from './error-catalogue.js';
import { MAX_SESSION_KEY_CHARS, mainSessionKey, parseSessionKey, subagentSessionKey } from './session-key.js';

function invalid(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof ClawgateError && err.code === 'INVALID_PARAMS' && pattern.test(err.message));
}

test('a full key names its agent; its kind follows the rest', () => {
  assert.deepEqual(parseSessionKey('agent:ops:main', 'main'), { key: 'agent:ops:main', agentId: 'ops', rest: 'main', kind: 'main' });
  assert.equal(parseSessionKey(subagentSessionKey('main', 'a1b2'), 'main').kind, 'subagent');
  assert.equal(parseSessionKey('agent:main:telegram:dm:42', 'main').kind, 'other');
});

test('a key without the agent prefix belongs to the default agent (OpenClaw clients send `main`)', () => {
  assert.deepEqual(parseSessionKey(' main ', 'ops'), { key: mainSessionKey('ops'), agentId: 'ops', rest: 'main', kind: 'main' });
});

test('malformed keys are INVALID_PARAMS naming the expected form', () => {
  invalid(() => parseSessionKey('', 'main'), /must be 1-256 characters/);
  invalid(() => parseSessionKey('x'.repeat(MAX_SESSION_KEY_CHARS + 1), 'main'), /must be 1-256 characters/);
  invalid(() => parseSessionKey('agent:Ops:main', 'main'), /expected agent:<agentId>:<name>/);
  invalid(() => parseSessionKey('agent:main:', 'main'), /expected agent:<agentId>:<name>/);
  invalid(() => parseSessionKey('my session', 'main'), /use letters, digits/);
});
