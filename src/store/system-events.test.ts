import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempStore } from '../../test/helpers/temp-store.js';

const MAIN = 'agent:main:main';
const OPS = 'agent:ops:main';

test('enqueue returns increasing ids; list gives one session its events oldest first, with source and time', (t) => {
  const store = tempStore(t);
  const a = store.systemEvents.enqueue(MAIN, 'first', 'cron:job-1', 100);
  const b = store.systemEvents.enqueue(OPS, 'other session', 'cron:job-2', 150);
  const c = store.systemEvents.enqueue(MAIN, 'second', 'cli', 200);
  assert.ok(a < b && b < c, 'ids grow in insertion order');
  assert.deepEqual(store.systemEvents.list(MAIN), [
    { id: a, sessionKey: MAIN, text: 'first', source: 'cron:job-1', createdAtMs: 100 },
    { id: c, sessionKey: MAIN, text: 'second', source: 'cli', createdAtMs: 200 },
  ]);
  assert.deepEqual(store.systemEvents.list('agent:main:nope'), []);
  assert.deepEqual(store.systemEvents.sessions(), [MAIN, OPS]);
  assert.equal(store.systemEvents.count(), 3);
});

test('take removes and returns the oldest events that fit in maxChars, and always at least one', (t) => {
  const store = tempStore(t);
  for (const [i, text] of ['aaaa', 'bbbb', 'cccc', 'dddd'].entries()) store.systemEvents.enqueue(MAIN, text, 'test', i);
  store.systemEvents.enqueue(OPS, 'untouched', 'test', 9);
  const taken = store.write(() => store.systemEvents.take(MAIN, 10));
  assert.deepEqual(taken.map((e) => e.text), ['aaaa', 'bbbb'], '4 + 4 fit in 10, a third would not');
  assert.deepEqual(store.systemEvents.list(MAIN).map((e) => e.text), ['cccc', 'dddd'], 'the rest stay queued, in order');
  const oversized = store.write(() => store.systemEvents.take(MAIN, 1));
  assert.deepEqual(oversized.map((e) => e.text), ['cccc'], 'one event is taken even when it alone is larger than maxChars');
  assert.deepEqual(store.systemEvents.list(OPS).map((e) => e.text), ['untouched'], 'another session keeps its events');
  assert.equal(store.systemEvents.count(), 2);
});

test('take uses the given cost of an event, and an empty session gives nothing', (t) => {
  const store = tempStore(t);
  for (const text of ['x', 'y', 'z']) store.systemEvents.enqueue(MAIN, text, 'test', 1);
  const prefixed = (e: { text: string }) => `[system event] ${e.text}\n`.length;
  const taken = store.write(() => store.systemEvents.take(MAIN, 2 * prefixed({ text: 'x' }), prefixed));
  assert.deepEqual(taken.map((e) => e.text), ['x', 'y']);
  assert.deepEqual(store.write(() => store.systemEvents.take('agent:main:empty', 1000)), []);
});

test('events taken inside a transaction that fails stay queued', (t) => {
  const store = tempStore(t);
  store.systemEvents.enqueue(MAIN, 'keep me', 'test', 1);
  assert.throws(() =>
    store.write(() => {
      assert.equal(store.systemEvents.take(MAIN, 100).length, 1);
      throw new Error('the consuming turn could not be recorded');
    }),
  );
  assert.deepEqual(store.systemEvents.list(MAIN).map((e) => e.text), ['keep me']);
  assert.deepEqual(store.systemEvents.sessions(), [MAIN]);
});
