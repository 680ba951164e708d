import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { LEVELS } from './levels.js';
import { readLogTail } from './tail.js';

function tempLogs(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'cg-tail-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'logs'));
  return join(dir, 'logs');
}

const line = (n: number, level = 'info') => `${JSON.stringify({ level, time: '2024-01-01T00:00:00.000Z', msg: `line ${n}` })}\n`;
const msgs = (r: { lines: Array<Record<string, unknown>> }) => r.lines.map((l) => l['msg']);

test('the last lines across files, oldest first; level filter; limit', (t) => {
  const dir = tempLogs(t);
  writeFileSync(join(dir, 'clawgate-2024-01-01.log'), [1, 2, 3].map((n) => line(n)).join(''));
  writeFileSync(join(dir, 'clawgate-2024-01-02.log'), line(4) + line(5, 'error') + line(6, 'debug'));
  assert.deepEqual(msgs(readLogTail(dir, { limit: 4 })), ['line 3', 'line 4', 'line 5', 'line 6']);
  assert.deepEqual(msgs(readLogTail(dir, { limit: 100, minLevel: LEVELS.warn })), ['line 5']);
  assert.deepEqual(msgs(readLogTail(dir, { limit: 2, minLevel: LEVELS.info })), ['line 4', 'line 5']);
  assert.deepEqual(readLogTail(join(dir, 'missing')), { lines: [], cursor: '@0' });
});

test('a cursor returns only newer lines, across rotation and pruning; a partial line waits', (t) => {
  const dir = tempLogs(t);
  const a = join(dir, 'clawgate-2024-01-01.log');
  writeFileSync(a, line(1) + line(2));
  let r = readLogTail(dir, { limit: 10 });
  assert.deepEqual(msgs(r), ['line 1', 'line 2']);
  assert.deepEqual(msgs(readLogTail(dir, { cursor: r.cursor })), []);
  appendFileSync(a, line(3) + '{"level":"info","msg":"line 4 still being wri');
  r = readLogTail(dir, { cursor: r.cursor });
  assert.deepEqual(msgs(r), ['line 3']);
  appendFileSync(a, 'tten"}\n');
  writeFileSync(join(dir, 'clawgate-2024-01-02.log'), line(5));
  writeFileSync(join(dir, 'clawgate-2024-01-02.1.log'), line(6));
  r = readLogTail(dir, { cursor: r.cursor });
  assert.deepEqual(msgs(r), ['line 4 still being written', 'line 5', 'line 6']);
  // The follower's file is pruned: it continues with the next newer one.
  const before = readLogTail(dir, { cursor: '@0', limit: 1 });
  assert.deepEqual(msgs(before), ['line 1']);
  unlinkSync(a);
  assert.deepEqual(msgs(readLogTail(dir, { cursor: before.cursor })), ['line 5', 'line 6']);
  // A limit on a follow read leaves the rest for the next call.
  const first = readLogTail(dir, { cursor: '@0', limit: 1 });
  assert.deepEqual(msgs(first), ['line 5']);
  assert.deepEqual(msgs(readLogTail(dir, { cursor: first.cursor })), ['line 6']);
});

test('a tail without a cursor skips a line still being written, and the follower gets it whole', (t) => {
  const dir = tempLogs(t);
  const a = join(dir, 'clawgate-2024-01-01.log');
  writeFileSync(a, line(1) + '{"msg":"hal');
  const r = readLogTail(dir);
  assert.deepEqual(msgs(r), ['line 1']);
  appendFileSync(a, 'f"}\n');
  assert.deepEqual(msgs(readLogTail(dir, { cursor: r.cursor })), ['half']);
});

test('lines are scrubbed on the way out too; junk lines come back as messages', (t) => {
  const dir = tempLogs(t);
  writeFileSync(join(dir, 'clawgate-2024-01-01.log'), `${JSON.stringify({ level: 'info', msg: 'old line with my-gateway-pw', token: 'x' })}\nnot json at all\n`);
  const r = readLogTail(dir, { secrets: ['my-gateway-pw'] });
  assert.deepEqual(r.lines, [
    { level: 'info', msg: 'old line with [redacted]', token: '[redacted]' },
    { level: 'info', msg: 'not json at all' },
  ]);
});

test('many lines: the tail reads backwards in chunks and keeps order', (t) => {
  const dir = tempLogs(t);
  const body: string[] = [];
  for (let i = 0; i < 5000; i++) body.push(line(i));
  writeFileSync(join(dir, 'clawgate-2024-01-01.log'), body.join(''));
  const r = readLogTail(dir, { limit: 1000 });
  assert.equal(r.lines.length, 1000);
  assert.equal(r.lines[0]!['msg'], 'line 4000');
  assert.equal(r.lines[999]!['msg'], 'line 4999');
});

test('a forged cursor is refused with INVALID_PARAMS', (t) => {
  const dir = tempLogs(t);
  for (const cursor of ['../../etc/passwd@0', 'clawgate-2024-01-01.log', 'x@1', '@-1']) {
    assert.throws(() => readLogTail(dir, { cursor }), (err: unknown) => err instanceof ClawgateError && err.code === 'INVALID_PARAMS', cursor);
  }
});
