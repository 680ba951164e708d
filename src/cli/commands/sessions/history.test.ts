import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clip, HISTORY_TOOL_TEXT_MAX_CHARS, renderHistory } from './history.js';

test('history prints role: text, tool calls as → name(args) and results as ← name: text', () => {
  const out = renderHistory({
    sessionKey: 'agent:main:main',
    sessionId: 'agent:main:main',
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'what is in a.txt?' }], timestamp: 1 },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me read it.' },
          { type: 'toolCall', id: 'c1', name: 'read', arguments: { path: 'a.txt' } },
        ],
        timestamp: 2,
      },
      { role: 'toolResult', content: [{ type: 'text', text: 'hello\nworld' }], timestamp: 3, toolCallId: 'c1', toolName: 'read', isError: false },
      { role: 'assistant', content: [{ type: 'toolCall', id: 'c2', name: 'stat', arguments: {} }], timestamp: 4 },
      { role: 'toolResult', content: [{ type: 'text', text: 'ENOENT' }], timestamp: 5, toolCallId: 'c2', toolName: 'stat', isError: true },
      { role: 'assistant', content: [{ type: 'text', text: 'It says:\nhello world' }], timestamp: 6 },
    ],
  });
  assert.equal(
    out,
    ['user: what is in a.txt?', 'assistant: Let me read it.', '→ read({"path":"a.txt"})', '← read: hello world', '→ stat({})', '← stat (error): ENOENT', 'assistant: It says:\nhello world'].join('\n'),
  );
});

test('long tool arguments and results are cut to one bounded line', () => {
  const long = 'x'.repeat(500);
  const out = renderHistory({
    sessionKey: 's',
    sessionId: 's',
    messages: [
      { role: 'assistant', content: [{ type: 'toolCall', id: 'c', name: 'write', arguments: { text: long } }], timestamp: 1 },
      { role: 'toolResult', content: [{ type: 'text', text: long }], timestamp: 2, toolCallId: 'c', toolName: 'write' },
    ],
  }).split('\n');
  assert.equal(out.length, 2);
  assert.ok(out[0]!.endsWith('…)'));
  assert.equal(out[0]!.length, '→ write('.length + HISTORY_TOOL_TEXT_MAX_CHARS + 1);
  assert.equal(out[1]!.length, '← write: '.length + HISTORY_TOOL_TEXT_MAX_CHARS);
  assert.equal(clip('a\n\n b  c'), 'a b c');
});

test('an empty or unknown session says so', () => {
  assert.equal(renderHistory({ sessionKey: 'agent:main:nobody', sessionId: 'agent:main:nobody', messages: [] }), 'No messages in agent:main:nobody.');
});

test('a tool result shows how long the tool took', () => {
  const out = renderHistory({
    sessionKey: 'agent:main:main',
    sessionId: 'agent:main:main',
    messages: [
      { role: 'assistant', content: [{ type: 'toolCall', id: 'c1', name: 'exec', arguments: { command: 'uptime' } }], timestamp: 1 },
      { role: 'toolResult', content: [{ type: 'text', text: 'up 3 days' }], timestamp: 2, toolCallId: 'c1', toolName: 'exec', isError: false, durationMs: 41 },
    ],
  } as Parameters<typeof renderHistory>[0]);
  assert.equal(out, '→ exec({"command":"uptime"})\n← exec (41 ms): up 3 days');
});
