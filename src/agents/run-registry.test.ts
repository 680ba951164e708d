import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_REMEMBERED_RUNS } from './limits.js';
import { RunRegistry } from './run-registry.js';
import type { RunSnapshot } from './runtime-api.js';

const snap = (runId: string, status: RunSnapshot['status']): RunSnapshot => ({
  runId,
  sessionKey: 'agent:main:main',
  agentId: 'main',
  status,
  queuedAtMs: 1,
  usage: { inputTokens: 0, outputTokens: 0 },
});

test('a wait for a run never seen answers undefined once its timeout passed', async () => {
  const reg = new RunRegistry();
  const t0 = Date.now();
  assert.equal(await reg.wait('nope', 50), undefined);
  assert.ok(Date.now() - t0 >= 45, 'it waited out the timeout');
});

test('a wait answers with the snapshot as soon as the run finishes', async () => {
  const reg = new RunRegistry();
  reg.set(snap('r1', 'running'));
  const waiting = reg.wait('r1', 60_000);
  reg.set(snap('r1', 'error'));
  assert.equal((await waiting)?.status, 'error');
});

test('close ends pending waits at once and later waits do not wait (a stopping gateway is not held open)', async () => {
  const reg = new RunRegistry();
  reg.set(snap('done', 'ok'));
  const pending = [reg.wait('unknown', 10 * 60_000), reg.wait('unknown', 10 * 60_000), reg.wait('other', 10 * 60_000)];
  reg.close();
  // Order, not speed: every wait settles before the event loop's next turn, so none waited on a timer.
  const order: string[] = [];
  const waits = Promise.all([...pending, reg.wait('later', 10 * 60_000), reg.wait('done', 10 * 60_000)]).then((r) => (order.push('waits settled'), r));
  await new Promise<void>((r) => setImmediate(() => (order.push('next turn'), r())));
  const results = await waits;
  assert.deepEqual(order, ['waits settled', 'next turn']);
  assert.deepEqual(results.slice(0, 4), [undefined, undefined, undefined, undefined]);
  assert.equal(results[4]?.status, 'ok', 'a finished run still answers');
});

test(`finished runs are remembered up to ${MAX_REMEMBERED_RUNS}, oldest forgotten first; running ones are kept`, () => {
  const reg = new RunRegistry();
  reg.set(snap('long', 'running'));
  for (let i = 0; i < MAX_REMEMBERED_RUNS + 10; i++) reg.set(snap(`r${i}`, 'error'));
  assert.equal(reg.get('r0'), undefined);
  assert.equal(reg.get('r9'), undefined);
  assert.equal(reg.get('r10')?.status, 'error');
  assert.equal(reg.get(`r${MAX_REMEMBERED_RUNS + 9}`)?.status, 'error');
  assert.equal(reg.get('long')?.status, 'running');
  assert.deepEqual(reg.active().map((s) => s.runId), ['long']);
});
