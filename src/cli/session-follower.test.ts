import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionFollower } from './session-follower.js';

const KEY = 'agent:main:main';
const chat = (runId: string, seq: number, state: string, text?: string, sessionKey = KEY) => ({
  event: 'chat',
  payload: { runId, sessionKey, seq, state, ...(text !== undefined ? { message: { role: 'assistant', content: [{ type: 'text', text }], timestamp: 1 } } : {}) },
});
const spawned = (runId: string, status = 'accepted', sessionKey = KEY) => ({
  event: 'agent',
  payload: { runId, sessionKey, seq: 1, stream: 'tool', ts: 1, data: { phase: 'result', name: 'sessions_spawn', isError: status !== 'accepted', result: { status } } },
});

test('without spawns the follower is settled when the first run ends', () => {
  const f = new SessionFollower('r1');
  assert.equal(f.feed(chat('r1', 1, 'delta', 'Hel')).print, 'Hel');
  const end = f.feed(chat('r1', 2, 'final', 'Hello'));
  assert.equal(end.print, 'lo');
  assert.equal(end.firstEnd?.state, 'final');
  assert.equal(end.settled, true);
});

test('each accepted spawn waits for one more run in the same session; refused spawns and other sessions do not count', () => {
  const f = new SessionFollower('r1');
  f.feed(chat('r1', 1, 'delta', 'working'));
  f.feed(spawned('r1'));
  f.feed(spawned('r1'));
  f.feed(spawned('r1', 'forbidden'));
  f.feed(spawned('other-run', 'accepted', 'agent:main:elsewhere'));
  const first = f.feed(chat('r1', 2, 'final', 'working on it'));
  assert.equal(first.settled, false);
  assert.equal(f.pending, 2);
  // A run in another session is not ours.
  assert.equal(f.feed(chat('x', 1, 'final', 'noise', 'agent:main:other')).print, '');
  const report1 = f.feed(chat('r2', 1, 'delta', 'child A says 1'));
  assert.match(report1.note!, /sub-agent's report arrived/);
  assert.equal(report1.print, 'child A says 1');
  assert.equal(f.feed(chat('r2', 2, 'final', 'child A says 1')).settled, false);
  // The second report's run spawns again: one more to wait for.
  f.feed(spawned('r3'));
  assert.equal(f.feed(chat('r3', 1, 'final', 'child B says 2')).settled, false);
  assert.equal(f.feed(chat('r4', 1, 'final', 'grandchild done')).settled, true);
  assert.deepEqual(f.followUps.map((r) => [r.runId, r.state, r.text]), [['r2', 'final', 'child A says 1'], ['r3', 'final', 'child B says 2'], ['r4', 'final', 'grandchild done']]);
  // Nothing more is expected: later runs in the session are not printed.
  assert.equal(f.feed(chat('r5', 1, 'final', 'someone else')).print, '');
});
