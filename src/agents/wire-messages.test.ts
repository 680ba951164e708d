import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile } from '../protocol/schema.js';
import { WireMessageSchema } from '../protocol/methods/chat.js';
import type { StoredMessage } from './runtime-api.js';
import type { TranscriptMessage } from './types.js';
import { toWireHistory, toWireMessage } from './wire-messages.js';

const wire = compile(WireMessageSchema);
let nextId = 1;
const entry = (message: TranscriptMessage, over: Partial<StoredMessage> = {}): StoredMessage => ({
  id: nextId++,
  sessionKey: 'agent:main:main',
  runId: 'run-1',
  createdAtMs: 1_700_000_000_000,
  message,
  repairOf: null,
  excludedReason: null,
  ...over,
});

test('a user message is one text block with the stored time', () => {
  assert.deepEqual(toWireMessage(entry({ role: 'user', text: 'hi' })), { role: 'user', content: [{ type: 'text', text: 'hi' }], timestamp: 1_700_000_000_000 });
});

test('an assistant turn lists its text, then its tool calls with parsed arguments', () => {
  const m = toWireMessage(
    entry({
      role: 'assistant',
      text: 'Let me look.',
      toolCalls: [
        { id: 'c1', name: 'read', arguments: { path: 'a.txt' } },
        { id: 'c2', name: 'now', arguments: {} },
      ],
      usage: { inputTokens: 1, outputTokens: 2 },
      stopReason: 'tool_use',
    }),
  );
  assert.deepEqual(m, {
    role: 'assistant',
    content: [
      { type: 'text', text: 'Let me look.' },
      { type: 'toolCall', id: 'c1', name: 'read', arguments: { path: 'a.txt' } },
      { type: 'toolCall', id: 'c2', name: 'now', arguments: {} },
    ],
    timestamp: 1_700_000_000_000,
  });
  assert.ok(wire.check(m), wire.errors(m).join('; '));
});

test('a turn that only calls tools has no empty text block; a turn with nothing keeps its empty text', () => {
  assert.deepEqual(toWireMessage(entry({ role: 'assistant', text: '', toolCalls: [{ id: 'c', name: 'x', arguments: {} }] }))?.content, [{ type: 'toolCall', id: 'c', name: 'x', arguments: {} }]);
  assert.deepEqual(toWireMessage(entry({ role: 'assistant', text: '' }))?.content, [{ type: 'text', text: '' }]);
});

test('a tool result becomes role toolResult naming its call and tool, isError always present', () => {
  assert.deepEqual(toWireMessage(entry({ role: 'tool', toolCallId: 'c1', name: 'read', text: 'contents' })), {
    role: 'toolResult',
    content: [{ type: 'text', text: 'contents' }],
    timestamp: 1_700_000_000_000,
    toolCallId: 'c1',
    toolName: 'read',
    isError: false,
  });
  const failed = toWireMessage(entry({ role: 'tool', toolCallId: 'c2', name: 'read', text: 'ENOENT', isError: true }));
  assert.equal(failed?.isError, true);
  assert.ok(wire.check(failed), wire.errors(failed).join('; '));
});

test('a synthetic repair result is shown; an excluded entry is not', () => {
  const repaired = entry({ role: 'tool', toolCallId: 'c3', name: 'read', text: 'interrupted', isError: true }, { repairOf: 7 });
  const orphan = entry({ role: 'tool', toolCallId: 'zz', name: 'read', text: 'late' }, { excludedReason: 'orphan tool result' });
  assert.equal(toWireMessage(repaired)?.role, 'toolResult');
  assert.equal(toWireMessage(orphan), undefined);
  assert.deepEqual(
    toWireHistory([entry({ role: 'user', text: 'q' }), orphan, repaired]).map((m) => m.role),
    ['user', 'toolResult'],
  );
});

test('history keeps the newest messages that fit the byte budget, oldest first', () => {
  const big = 'x'.repeat(1000);
  const entries = [1, 2, 3, 4].map((n) => entry({ role: 'user', text: `${n}${big}` }));
  const kept = toWireHistory(entries, 2500);
  assert.deepEqual(
    kept.map((m) => (m.content[0] as { text: string }).text[0]),
    ['3', '4'],
  );
  assert.deepEqual(toWireHistory([], 10), []);
});

test('an unreadable entry nothing has marked is a wire-valid marker naming its place and row id, in its row role; a quarantined one is not shown', () => {
  const unreadable = (role: 'user' | 'assistant' | 'tool', over: Partial<StoredMessage> = {}) =>
    entry(role === 'tool' ? { role, toolCallId: '', name: '', text: '[unreadable transcript entry]', isError: true } : { role, text: '[unreadable transcript entry]' }, {
      excludedReason: 'unreadable',
      unreadable: true,
      ...over,
    });
  const rows = [entry({ role: 'user', text: 'hi' }), unreadable('assistant'), unreadable('tool'), unreadable('user', { excludedReason: 'quarantined by doctor --fix at 2025-01-01T00:00:00.000Z: its body is not valid JSON' })];
  const history = toWireHistory(rows);
  assert.equal(history.length, 3);
  for (const m of history) assert.ok(wire.check(m), JSON.stringify(m));
  assert.deepEqual(history[1], { role: 'assistant', content: [{ type: 'text', text: `[entry 2 of this history could not be read (transcript row id ${rows[1]!.id}); run clawgate doctor to quarantine it]` }], timestamp: 1_700_000_000_000 });
  assert.equal(history[2]!.role, 'toolResult');
  assert.equal(history[2]!.isError, true);
  assert.match((history[2]!.content[0] as { text: string }).text, new RegExp(`entry 3 of this history .*row id ${rows[2]!.id}`));
});
