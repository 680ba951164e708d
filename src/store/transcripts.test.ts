import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { tempStore } from '../../test/helpers/temp-store.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import type { Store } from './store.js';
import { findUnreadableRows, MAX_MESSAGE_TEXT_CHARS, MAX_TOOL_ARGUMENTS_CHARS, UNREADABLE_REASON } from './transcripts.js';

const KEY = 'agent:main:main';

function storeWithSession(t: TestContext): Store {
  const store = tempStore(t);
  store.sessions.ensure({ key: KEY, agentId: 'main', kind: 'main' }, 1);
  return store;
}

test('append stores messages in order and returns them as stored', (t) => {
  const store = storeWithSession(t);
  const call = { id: 'c1', name: 'read', arguments: { path: '/tmp/x' } };
  const out = store.transcripts.append(
    KEY,
    'run-1',
    [
      { role: 'user', text: 'hi' },
      { role: 'assistant', text: '', toolCalls: [call], usage: { inputTokens: 3, outputTokens: 4 }, stopReason: 'tool_use' },
      { role: 'tool', toolCallId: 'c1', name: 'read', text: 'contents', isError: false },
    ],
    50,
  );
  assert.equal(out.length, 3);
  assert.ok(out[0]!.id < out[1]!.id && out[1]!.id < out[2]!.id);
  assert.deepEqual(out[1], {
    id: out[1]!.id,
    sessionKey: KEY,
    runId: 'run-1',
    createdAtMs: 50,
    message: { role: 'assistant', text: '', toolCalls: [call], usage: { inputTokens: 3, outputTokens: 4 }, stopReason: 'tool_use' },
    repairOf: null,
    excludedReason: null,
  });
  assert.deepEqual(store.transcripts.list(KEY), out);
  const roles = store.db.prepare('SELECT role FROM messages ORDER BY id').all() as { role: string }[];
  assert.deepEqual(roles.map((r) => r.role), ['user', 'assistant', 'tool'], 'the role column mirrors the body');
  assert.equal(store.transcripts.count(KEY), 3);
  assert.deepEqual(store.transcripts.get(out[2]!.id), out[2]);
});

test('append to a session that does not exist is UNKNOWN_SESSION and stores nothing', (t) => {
  const store = storeWithSession(t);
  assert.throws(
    () => store.transcripts.append('agent:main:ghost', null, [{ role: 'user', text: 'x' }], 1),
    (err: unknown) => err instanceof ClawgateError && err.code === 'UNKNOWN_SESSION',
  );
  assert.equal(store.db.prepare('SELECT count(*) AS n FROM messages').pluck().get(), 0);
});

test('a repair row is listed right after the assistant message it answers', (t) => {
  const store = storeWithSession(t);
  const [, assistant] = store.transcripts.append(
    KEY,
    'r1',
    [
      { role: 'user', text: 'q' },
      { role: 'assistant', text: '', toolCalls: [{ id: 'c1', name: 'a', arguments: {} }, { id: 'c2', name: 'b', arguments: {} }] },
      { role: 'tool', toolCallId: 'c1', name: 'a', text: 'ok' },
      { role: 'user', text: 'next' },
    ],
    2,
  );
  const [repair] = store.transcripts.append(KEY, null, [{ role: 'tool', toolCallId: 'c2', name: 'b', text: 'interrupted', isError: true }], 3, { repairOf: assistant!.id });
  assert.equal(repair!.repairOf, assistant!.id);
  const order = store.transcripts.list(KEY).map((e) => (e.message.role === 'tool' ? `tool:${e.message.toolCallId}` : `${e.message.role}:${e.message.text}`));
  assert.deepEqual(order, ['user:q', 'assistant:', 'tool:c2', 'tool:c1', 'user:next']);
});

test('list with limit returns the last entries in list order; afterId returns later rows', (t) => {
  const store = storeWithSession(t);
  const rows = store.transcripts.append(KEY, null, ['a', 'b', 'c', 'd', 'e'].map((text) => ({ role: 'user' as const, text })), 1);
  const texts = (opts: Parameters<Store['transcripts']['list']>[1]) => store.transcripts.list(KEY, opts).map((e) => (e.message.role === 'user' ? e.message.text : '?'));
  assert.deepEqual(texts({ limit: 2 }), ['d', 'e']);
  assert.deepEqual(texts({ limit: 10 }), ['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual(texts({ limit: 0 }), []);
  assert.deepEqual(texts({ afterId: rows[2]!.id }), ['d', 'e']);
  assert.deepEqual(texts({ afterId: rows[0]!.id, limit: 1 }), ['e']);
  assert.deepEqual(store.transcripts.list('agent:main:other'), []);
});

test('list with limit counts a repair row at its place in list order', (t) => {
  const store = storeWithSession(t);
  const [assistant] = store.transcripts.append(KEY, null, [{ role: 'assistant', text: '', toolCalls: [{ id: 'c', name: 'n', arguments: {} }] }], 1);
  store.transcripts.append(KEY, null, [{ role: 'user', text: 'later' }], 2);
  store.transcripts.append(KEY, null, [{ role: 'tool', toolCallId: 'c', name: 'n', text: 'synthetic' }], 3, { repairOf: assistant!.id });
  assert.deepEqual(store.transcripts.list(KEY, { limit: 1 }).map((e) => e.message.role), ['user']);
  assert.deepEqual(store.transcripts.list(KEY, { limit: 2 }).map((e) => e.message.role), ['tool', 'user']);
});

test('exclude marks a row once and keeps its body', (t) => {
  const store = storeWithSession(t);
  const [row] = store.transcripts.append(KEY, null, [{ role: 'tool', toolCallId: 'x', name: 'n', text: 'stray' }], 1);
  assert.equal(store.transcripts.exclude(row!.id, 'orphan tool result'), true);
  assert.equal(store.transcripts.exclude(row!.id, 'duplicate tool result'), false, 'a second mark is refused');
  const [listed] = store.transcripts.list(KEY);
  assert.equal(listed!.excludedReason, 'orphan tool result');
  assert.deepEqual(listed!.message, row!.message);
  assert.equal(store.transcripts.exclude(999_999, 'orphan tool result'), false);
});

test('a text longer than the bound is cut with a marker saying how much was dropped', (t) => {
  const store = storeWithSession(t);
  const long = 'x'.repeat(MAX_MESSAGE_TEXT_CHARS + 123);
  const [stored] = store.transcripts.append(KEY, null, [{ role: 'user', text: long }], 1);
  const text = stored!.message.text;
  assert.ok(text.startsWith('x'.repeat(MAX_MESSAGE_TEXT_CHARS)));
  assert.match(text.slice(MAX_MESSAGE_TEXT_CHARS), /^\n\[truncated: 123 more characters were not stored\]$/);
  assert.equal(store.transcripts.list(KEY)[0]!.message.text, text);
  const exact = 'y'.repeat(MAX_MESSAGE_TEXT_CHARS);
  assert.equal(store.transcripts.append(KEY, null, [{ role: 'user', text: exact }], 2)[0]!.message.text, exact, 'at the bound nothing is cut');
});

test('oversized tool call arguments are replaced by a note; the call id and name stay', (t) => {
  const store = storeWithSession(t);
  const big = { blob: 'z'.repeat(MAX_TOOL_ARGUMENTS_CHARS) };
  const small = { path: 'a' };
  const [stored] = store.transcripts.append(
    KEY,
    null,
    [{ role: 'assistant', text: 'ok', toolCalls: [{ id: 'c1', name: 'write', arguments: big }, { id: 'c2', name: 'read', arguments: small }] }],
    1,
  );
  const m = stored!.message;
  assert.equal(m.role, 'assistant');
  if (m.role !== 'assistant') return;
  assert.equal(m.toolCalls![0]!.id, 'c1');
  assert.equal(m.toolCalls![0]!.name, 'write');
  assert.match(String(m.toolCalls![0]!.arguments['truncated']), /too large to store/);
  assert.deepEqual(m.toolCalls![1]!.arguments, small);
});

test('a corrupt row is listed as an excluded placeholder, never as a message a provider would see', (t) => {
  const store = storeWithSession(t);
  store.transcripts.append(KEY, null, [{ role: 'user', text: 'fine' }], 1);
  const insert = store.db.prepare("INSERT INTO messages (session_key, role, body, created_at_ms) VALUES (?, ?, ?, 2)");
  insert.run(KEY, 'assistant', '{not json');
  insert.run(KEY, 'tool', JSON.stringify({ role: 'tool', text: 'no call id' }));
  insert.run(KEY, 'user', JSON.stringify({ role: 'assistant', text: 'role column disagrees' }));
  const list = store.transcripts.list(KEY);
  assert.equal(list.length, 4);
  assert.equal(list[0]!.excludedReason, null);
  for (const e of list.slice(1)) {
    assert.equal(e.excludedReason, UNREADABLE_REASON);
    assert.match(e.message.text, /unreadable/);
  }
  assert.deepEqual(list.slice(1).map((e) => e.message.role), ['assistant', 'tool', 'user']);
});

test('append is all or nothing', (t) => {
  const store = storeWithSession(t);
  const bad = { role: 'user', text: 'ok', extra: 1n } as unknown as { role: 'user'; text: string };
  assert.throws(() => store.transcripts.append(KEY, null, [{ role: 'user', text: 'first' }, bad], 1), TypeError);
  assert.equal(store.transcripts.count(KEY), 0);
});

test('findUnreadableRows names each unmarked row whose body cannot be read, and why; a marked row is left to its mark', (t) => {
  const store = storeWithSession(t);
  store.transcripts.append(KEY, null, [{ role: 'user', text: 'fine' }], 1);
  const insert = store.db.prepare('INSERT INTO messages (session_key, role, body, created_at_ms, excluded_reason) VALUES (?, ?, ?, 2, ?) RETURNING id');
  const torn = (insert.get(KEY, 'assistant', '{not json', null) as { id: number }).id;
  const wrongRole = (insert.get(KEY, 'user', JSON.stringify({ role: 'assistant', text: 'x' }), null) as { id: number }).id;
  insert.get(KEY, 'user', '{also torn', 'quarantined: earlier');
  assert.deepEqual(findUnreadableRows(store.db), [
    { id: torn, sessionKey: KEY, role: 'assistant', problem: 'its body is not valid JSON' },
    { id: wrongRole, sessionKey: KEY, role: 'user', problem: 'its body says role "assistant", the row says "user"' },
  ]);
});
