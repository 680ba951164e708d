import { test } from 'node:test';
import assert from 'node:assert/strict';
import { droppedMarker, fitText, OutputBuffer } from './output-buffer.js';

const b = (s: string) => Buffer.from(s, 'utf8');

test('output within the cap is kept whole', () => {
  const o = new OutputBuffer(100);
  o.append(b('hello '));
  o.append(b('world'));
  assert.equal(o.text(), 'hello world');
  assert.equal(o.droppedBytes, 0);
  assert.equal(o.totalBytes, 11);
});

test('beyond the cap the head and the tail are kept, the middle is dropped and counted', () => {
  const o = new OutputBuffer(10);
  o.append(b('abcde'));
  for (const c of 'fghijklmnopqrstuvwxyz') o.append(b(c));
  assert.equal(o.totalBytes, 26);
  assert.equal(o.droppedBytes, 16);
  assert.equal(o.text(), `abcde${droppedMarker(16)}vwxyz`);
});

test('a chunk larger than the whole cap keeps its own head and tail', () => {
  const o = new OutputBuffer(6);
  o.append(b('0123456789'));
  assert.equal(o.text(), `012${droppedMarker(4)}789`);
});

test('since(offset) reads what came after an offset, marking what of it was dropped', () => {
  const o = new OutputBuffer(8);
  o.append(b('abcd'));
  assert.equal(o.since(0).text, 'abcd');
  assert.equal(o.since(2).text, 'cd');
  o.append(b('efghijklmn'));
  // Kept: the head "abcd" and the tail "klmn"; "efghij" (6 bytes) was dropped.
  assert.equal(o.since(4).text, `${droppedMarker(6)}klmn`);
  assert.equal(o.since(4).droppedBytes, 6);
  assert.equal(o.since(12).text, 'mn');
  assert.equal(o.since(14).text, '');
});

test('fitText keeps head and tail within the limit and says it cut', () => {
  assert.deepEqual(fitText('short', 10), { text: 'short', cut: false });
  const f = fitText('a'.repeat(50) + 'b'.repeat(50), 20);
  assert.ok(f.cut);
  assert.ok(f.text.startsWith('a'.repeat(10)) && f.text.endsWith('b'.repeat(10)));
  assert.match(f.text, /80 characters cut/);
});
