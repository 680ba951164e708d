import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyBudget } from './reply-budget.js';

test('the budget allows N replies per window across everyone, then none until the oldest leaves the window', () => {
  const b = new ReplyBudget(3, 1000);
  const spend = (t: number) => {
    const ok = b.hasRoom(t);
    if (ok) b.take(t);
    return ok;
  };
  assert.deepEqual([0, 100, 200, 300, 400].map(spend), [true, true, true, false, false]);
  assert.equal(spend(999), false);
  assert.equal(spend(1000), true, 'the reply at 0 left the window');
  assert.equal(spend(1001), false);
});

test('asking is free: only take() spends the budget', () => {
  const b = new ReplyBudget(1, 1000);
  for (let i = 0; i < 10; i++) assert.equal(b.hasRoom(i), true);
  b.take(10);
  assert.equal(b.hasRoom(11), false);
});

test('exhaustion is reported at most once per window, with the replies refused since the last report', () => {
  const b = new ReplyBudget(1, 1000);
  b.take(0);
  for (let t = 1; t <= 5; t++) assert.equal(b.hasRoom(t), false);
  assert.deepEqual(b.report(5), { refused: 5 });
  assert.equal(b.hasRoom(6), false);
  assert.equal(b.report(6), undefined, 'not again within the window');
  assert.equal(b.hasRoom(1005), true);
  b.take(1005);
  assert.equal(b.hasRoom(1006), false);
  assert.deepEqual(b.report(1006), { refused: 2 }, 'a window later: one more line, counting what was refused meanwhile');
});
