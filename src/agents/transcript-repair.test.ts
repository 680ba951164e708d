import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { tempStore } from '../../test/helpers/temp-store.js';
import type { Store } from '../store/store.js';
import type { StoredMessage } from './runtime-api.js';
import { applyRepair, INTERRUPTED_TOOL_RESULT_TEXT, planRepair, providerView, type Repair } from './transcript-repair.js';
import type { TranscriptMessage } from './types.js';

const KEY = 'agent:main:main';

const user = (text: string): TranscriptMessage => ({ role: 'user', text });
const assistant = (text: string, ...calls: string[]): TranscriptMessage => ({
  role: 'assistant',
  text,
  ...(calls.length ? { toolCalls: calls.map((id) => ({ id, name: `tool_${id}`, arguments: {} })) } : {}),
});
const result = (callId: string, text = `result of ${callId}`): TranscriptMessage => ({ role: 'tool', toolCallId: callId, name: `tool_${callId}`, text });

function seeded(t: TestContext, messages: TranscriptMessage[]): { store: Store; rows: StoredMessage[] } {
  const store = tempStore(t);
  store.sessions.ensure({ key: KEY, agentId: 'main', kind: 'main' }, 1);
  return { store, rows: store.transcripts.append(KEY, 'r1', messages, 2) };
}

/** Plan, apply, and check that planning again finds nothing: repair is idempotent. */
function repairOnce(store: Store): Repair[] {
  const repairs = planRepair(store.transcripts.list(KEY));
  applyRepair(store, KEY, repairs, 3);
  assert.deepEqual(planRepair(store.transcripts.list(KEY)), [], 'a repaired transcript needs no further repair');
  return repairs;
}

/** The provider view in a compact form: u:text, a:text[calls], t:callId. */
function view(store: Store): string[] {
  return providerView(store.transcripts.list(KEY)).map((m) =>
    m.role === 'user' ? `u:${m.text}` : m.role === 'assistant' ? `a:${m.text}[${(m.toolCalls ?? []).map((c) => c.id).join(',')}]` : `t:${m.toolCallId}${m.isError ? '!' : ''}`,
  );
}

test('a clean transcript, with and without tools, needs no repair', (t) => {
  const { store } = seeded(t, [user('q'), assistant('', 'c1', 'c2'), result('c2'), result('c1'), assistant('done'), user('again'), assistant('sure')]);
  assert.deepEqual(planRepair(store.transcripts.list(KEY)), []);
  assert.deepEqual(planRepair([]), []);
});

test('a tool result at the very start is an orphan', (t) => {
  const { store, rows } = seeded(t, [result('c0'), user('q'), assistant('a')]);
  assert.deepEqual(repairOnce(store), [{ kind: 'exclude', id: rows[0]!.id, reason: 'orphan tool result' }]);
  assert.deepEqual(view(store), ['u:q', 'a:a[]']);
});

test('a tool result after a user message is an orphan, even when an earlier assistant made that call', (t) => {
  const { store, rows } = seeded(t, [user('q'), assistant('', 'c1'), result('c1'), user('next'), result('c1', 'late copy')]);
  assert.deepEqual(repairOnce(store), [{ kind: 'exclude', id: rows[4]!.id, reason: 'orphan tool result' }]);
  assert.deepEqual(view(store), ['u:q', 'a:[c1]', 't:c1', 'u:next']);
});

test('a result for a call the latest assistant message did not make is an orphan', (t) => {
  const { store, rows } = seeded(t, [user('q'), assistant('', 'c1'), result('c1'), assistant('', 'c2'), result('c1', 'stale'), result('c2')]);
  assert.deepEqual(repairOnce(store), [{ kind: 'exclude', id: rows[4]!.id, reason: 'orphan tool result' }]);
  assert.deepEqual(view(store), ['u:q', 'a:[c1]', 't:c1', 'a:[c2]', 't:c2']);
});

test('a tool result after an assistant message without tool calls is an orphan', (t) => {
  const { store, rows } = seeded(t, [user('q'), assistant('plain'), result('c1')]);
  assert.deepEqual(repairOnce(store), [{ kind: 'exclude', id: rows[2]!.id, reason: 'orphan tool result' }]);
});

test('a second result for the same call is excluded as a duplicate; the first one stays', (t) => {
  const { store, rows } = seeded(t, [user('q'), assistant('', 'c1'), result('c1', 'first'), result('c1', 'second'), assistant('ok')]);
  assert.deepEqual(repairOnce(store), [{ kind: 'exclude', id: rows[3]!.id, reason: 'duplicate tool result' }]);
  const tools = providerView(store.transcripts.list(KEY)).filter((m) => m.role === 'tool');
  assert.deepEqual(tools.map((m) => m.text), ['first']);
});

test('a dangling call in the middle is answered right after its assistant message, before the next user message', (t) => {
  const { store, rows } = seeded(t, [user('q'), assistant('', 'c1'), user('are you there?'), assistant('yes')]);
  assert.deepEqual(repairOnce(store), [{ kind: 'answer', assistantId: rows[1]!.id, toolCallId: 'c1', name: 'tool_c1' }]);
  assert.deepEqual(view(store), ['u:q', 'a:[c1]', 't:c1!', 'u:are you there?', 'a:yes[]']);
  const synthetic = store.transcripts.list(KEY)[2]!;
  assert.equal(synthetic.repairOf, rows[1]!.id);
  assert.equal(synthetic.runId, null);
  assert.deepEqual(synthetic.message, { role: 'tool', toolCallId: 'c1', name: 'tool_c1', text: INTERRUPTED_TOOL_RESULT_TEXT, isError: true });
});

test('a dangling call followed by another assistant message is answered before it', (t) => {
  const { store, rows } = seeded(t, [user('q'), assistant('', 'c1'), assistant('moving on')]);
  assert.deepEqual(repairOnce(store), [{ kind: 'answer', assistantId: rows[1]!.id, toolCallId: 'c1', name: 'tool_c1' }]);
  assert.deepEqual(view(store), ['u:q', 'a:[c1]', 't:c1!', 'a:moving on[]']);
});

test('dangling calls at the end of the transcript are answered', (t) => {
  const { store, rows } = seeded(t, [user('q'), assistant('', 'c1', 'c2')]);
  assert.deepEqual(repairOnce(store), [
    { kind: 'answer', assistantId: rows[1]!.id, toolCallId: 'c1', name: 'tool_c1' },
    { kind: 'answer', assistantId: rows[1]!.id, toolCallId: 'c2', name: 'tool_c2' },
  ]);
  assert.deepEqual(view(store), ['u:q', 'a:[c1,c2]', 't:c1!', 't:c2!']);
});

test('multiple calls partly answered: only the unanswered ones get a synthetic result', (t) => {
  const { store, rows } = seeded(t, [user('q'), assistant('', 'c1', 'c2', 'c3'), result('c2'), user('next')]);
  assert.deepEqual(repairOnce(store), [
    { kind: 'answer', assistantId: rows[1]!.id, toolCallId: 'c1', name: 'tool_c1' },
    { kind: 'answer', assistantId: rows[1]!.id, toolCallId: 'c3', name: 'tool_c3' },
  ]);
  // Every call has exactly one result between its assistant message and the next user message.
  assert.deepEqual(view(store), ['u:q', 'a:[c1,c2,c3]', 't:c1!', 't:c3!', 't:c2', 'u:next']);
});

test('orphans, duplicates and dangling calls together are repaired in one pass', (t) => {
  const { store, rows } = seeded(t, [
    result('x'),
    user('q'),
    assistant('', 'c1', 'c2'),
    result('c1'),
    result('c1', 'again'),
    user('q2'),
    result('c2', 'too late'),
    assistant('', 'c3'),
  ]);
  assert.deepEqual(repairOnce(store), [
    { kind: 'exclude', id: rows[0]!.id, reason: 'orphan tool result' },
    { kind: 'exclude', id: rows[4]!.id, reason: 'duplicate tool result' },
    { kind: 'answer', assistantId: rows[2]!.id, toolCallId: 'c2', name: 'tool_c2' },
    { kind: 'exclude', id: rows[6]!.id, reason: 'orphan tool result' },
    { kind: 'answer', assistantId: rows[7]!.id, toolCallId: 'c3', name: 'tool_c3' },
  ]);
  assert.deepEqual(view(store), ['u:q', 'a:[c1,c2]', 't:c2!', 't:c1', 'u:q2', 'a:[c3]', 't:c3!']);
});

test('repairing twice changes nothing the second time', (t) => {
  const { store } = seeded(t, [user('q'), assistant('', 'c1'), result('c9'), user('x')]);
  repairOnce(store);
  const before = store.transcripts.list(KEY);
  applyRepair(store, KEY, planRepair(before), 9);
  assert.deepEqual(store.transcripts.list(KEY), before);
});

test('applyRepair reports what it changed and is one transaction', (t) => {
  const { store, rows } = seeded(t, [user('q'), assistant('', 'c1'), result('zz')]);
  const repairs = planRepair(store.transcripts.list(KEY));
  assert.deepEqual(applyRepair(store, KEY, repairs, 5), { excluded: 1, answered: 1 });
  // A repair that cannot be stored (unknown session) leaves nothing half-applied.
  const count = store.transcripts.count(KEY);
  assert.throws(() => applyRepair(store, 'agent:main:gone', [{ kind: 'answer', assistantId: rows[1]!.id, toolCallId: 'c1', name: 'n' }], 6));
  assert.equal(store.transcripts.count(KEY), count);
});

test('providerView drops excluded entries and keeps the order', () => {
  const entry = (id: number, message: TranscriptMessage, excludedReason: string | null = null): StoredMessage => ({
    id,
    sessionKey: KEY,
    runId: null,
    createdAtMs: id,
    message,
    repairOf: null,
    excludedReason,
  });
  const entries = [entry(1, user('a')), entry(2, result('x'), 'orphan tool result'), entry(3, assistant('b')), entry(4, user('c'), 'unreadable')];
  assert.deepEqual(providerView(entries), [user('a'), assistant('b')]);
  assert.deepEqual(planRepair(entries), [], 'excluded entries are not planned again');
});
