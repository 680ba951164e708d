import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatStream } from './chat-stream.js';

const msg = (text: string) => ({ role: 'assistant', content: [{ type: 'text', text }], timestamp: 1 });
const ev = (seq: number, state: string, text?: string, extra: Record<string, unknown> = {}) => ({ runId: 'r1', sessionKey: 'agent:main:main', seq, state, ...(text !== undefined ? { message: msg(text) } : {}), ...extra });

test('each delta prints only what it adds to the text so far', () => {
  const s = new ChatStream('r1');
  assert.deepEqual(s.feed(ev(1, 'delta', 'Hel')), { print: 'Hel' });
  assert.deepEqual(s.feed(ev(2, 'delta', 'Hello wor')), { print: 'lo wor' });
  assert.deepEqual(s.feed(ev(3, 'delta', 'Hello wor')), { print: '' });
  assert.equal(s.printed, 'Hello wor');
});

test('the final event prints the rest (deltas are throttled) and ends with text and usage', () => {
  const s = new ChatStream('r1');
  s.feed(ev(1, 'delta', 'Hello'));
  assert.deepEqual(s.feed(ev(2, 'final', 'Hello world', { usage: { inputTokens: 4, outputTokens: 2 }, stopReason: 'stop' })), {
    print: ' world',
    end: { state: 'final', sessionKey: 'agent:main:main', text: 'Hello world', usage: { inputTokens: 4, outputTokens: 2 } },
  });
  assert.deepEqual(s.feed(ev(3, 'delta', 'Hello world!!')), { print: '' }, 'nothing after the end');
});

test('events of other runs and stale events are ignored', () => {
  const s = new ChatStream('r1');
  assert.deepEqual(s.feed({ ...ev(1, 'final', 'not mine'), runId: 'r2' }), { print: '' });
  s.feed(ev(5, 'delta', 'abc'));
  assert.deepEqual(s.feed(ev(4, 'delta', 'abcdef')), { print: '' });
  assert.deepEqual(s.feed(null), { print: '' });
  assert.equal(s.printed, 'abc');
});

test('an error or abort ends the stream with the last text seen and the error message', () => {
  const s = new ChatStream('r1');
  s.feed(ev(1, 'delta', 'partial'));
  assert.deepEqual(s.feed(ev(2, 'error', undefined, { errorMessage: 'The model provider refused the request.' })), {
    print: '',
    end: { state: 'error', sessionKey: 'agent:main:main', text: 'partial', errorMessage: 'The model provider refused the request.' },
  });
  const a = new ChatStream('r1');
  assert.equal(a.feed(ev(1, 'aborted')).end?.state, 'aborted');
});
