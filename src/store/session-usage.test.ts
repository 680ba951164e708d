import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempStore } from '../../test/helpers/temp-store.js';

const KEY = 'agent:main:main';
const assistant = (inputTokens: number, outputTokens: number) => ({ role: 'assistant' as const, text: 'a', usage: { inputTokens, outputTokens } });

test('a session without model calls has no usage', (t) => {
  const store = tempStore(t);
  store.sessions.ensure({ key: KEY, agentId: 'main', kind: 'main' }, 1);
  store.transcripts.append(KEY, 'r1', [{ role: 'user', text: 'hi' }], 2);
  assert.equal(store.sessionUsage.of(KEY), undefined);
});

test('runs add up by their last entry (usage is cumulative within a run); the last call is its own difference', (t) => {
  const store = tempStore(t);
  store.sessions.ensure({ key: KEY, agentId: 'main', kind: 'main' }, 1);
  store.transcripts.append(KEY, 'r1', [{ role: 'user', text: 'one' }, assistant(100, 20)], 2);
  assert.deepEqual(store.sessionUsage.of(KEY), { inputTokens: 100, outputTokens: 20, lastCallTokens: 120 });
  // Run 2 calls the model twice: 100/5, then 150/10 more (stored cumulatively as 250/15).
  store.transcripts.append(KEY, 'r2', [{ role: 'user', text: 'two' }, assistant(100, 5), { role: 'tool', toolCallId: 'c', name: 'x', text: 'ok' }, assistant(250, 15)], 3);
  assert.deepEqual(store.sessionUsage.of(KEY), { inputTokens: 350, outputTokens: 35, lastCallTokens: 160 });
});

test('entries without a run count alone, unreadable ones count nothing, and sessions do not mix', (t) => {
  const store = tempStore(t);
  store.sessions.ensure({ key: KEY, agentId: 'main', kind: 'main' }, 1);
  store.sessions.ensure({ key: 'agent:main:other', agentId: 'main', kind: 'other' }, 1);
  store.transcripts.append(KEY, null, [assistant(10, 1)], 2);
  store.transcripts.append(KEY, null, [assistant(20, 2)], 3);
  const [broken] = store.transcripts.append(KEY, 'r9', [assistant(999, 999)], 4);
  store.db.prepare('UPDATE messages SET body = ? WHERE id = ?').run('{not json', broken!.id);
  store.transcripts.append('agent:main:other', 'r1', [assistant(5000, 5000)], 5);
  assert.deepEqual(store.sessionUsage.of(KEY), { inputTokens: 30, outputTokens: 3, lastCallTokens: 0 });
});

test('a reset clears the transcript and so the usage; the session row stays', (t) => {
  const store = tempStore(t);
  store.sessions.ensure({ key: KEY, agentId: 'main', kind: 'main', label: 'work' }, 1);
  store.transcripts.append(KEY, 'r1', [{ role: 'user', text: 'one' }, assistant(100, 20)], 2);
  assert.equal(store.transcripts.clear(KEY), 2);
  assert.equal(store.sessionUsage.of(KEY), undefined);
  assert.equal(store.sessions.get(KEY)!.label, 'work');
});

test('setModel and setLabel set and clear, move updatedAt forward only, and say when the session is missing', (t) => {
  const store = tempStore(t);
  store.sessions.ensure({ key: KEY, agentId: 'main', kind: 'main' }, 1000);
  assert.equal(store.sessions.setModel(KEY, 'fake/m2', 2000), true);
  assert.equal(store.sessions.setLabel(KEY, 'work', 500), true);
  assert.deepEqual([store.sessions.get(KEY)!.model, store.sessions.get(KEY)!.label, store.sessions.get(KEY)!.updatedAtMs], ['fake/m2', 'work', 2000]);
  store.sessions.setModel(KEY, null, 3000);
  store.sessions.setLabel(KEY, null, 3000);
  assert.deepEqual([store.sessions.get(KEY)!.model, store.sessions.get(KEY)!.label], [null, null]);
  assert.equal(store.sessions.setModel('agent:main:nope', 'fake/m', 1), false);
  assert.equal(store.sessions.setLabel('agent:main:nope', 'x', 1), false);
});
