import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { applyChunks } from './patch-apply.js';
import type { PatchChunk } from './patch-parse.js';

const chunk = (oldLines: string[], newLines: string[], extra: Partial<PatchChunk> = {}): PatchChunk => ({ anchor: undefined, oldLines, newLines, atEof: false, line: 3, ...extra });
const conflict = (hunk: number, re: RegExp) => (err: unknown) => err instanceof ClawgateError && err.code === 'PATCH_CONFLICT' && err.details.hunk === hunk && re.test(err.message);

test('a hunk replaces its lines where they are found, keeping the rest', () => {
  assert.equal(applyChunks('f', 'a\nb\nc\n', [chunk(['a', 'b'], ['a', 'B'])]), 'a\nB\nc\n');
});

test('hunks apply in order, each after the previous one', () => {
  const text = 'x\ny\nx\ny\n';
  assert.equal(applyChunks('f', text, [chunk(['x'], ['1']), chunk(['x'], ['2'])]), '1\ny\n2\ny\n');
});

test('an @@ anchor picks the occurrence after it', () => {
  const text = 'def a():\n  return 1\ndef b():\n  return 1\n';
  assert.equal(applyChunks('f', text, [chunk(['  return 1'], ['  return 2'], { anchor: 'def b():' })]), 'def a():\n  return 1\ndef b():\n  return 2\n');
});

test('End of File matches the last occurrence at the end', () => {
  assert.equal(applyChunks('f', 'end\nmid\nend\n', [chunk(['end'], ['END'], { atEof: true })]), 'end\nmid\nEND\n');
});

test('a hunk that only adds lines goes after its anchor, or at the end of the file', () => {
  assert.equal(applyChunks('f', 'a\nb\n', [chunk([], ['after a'], { anchor: 'a' })]), 'a\nafter a\nb\n');
  assert.equal(applyChunks('f', 'a\nb\n', [chunk([], ['last'])]), 'a\nb\nlast\n');
});

test('trailing whitespace, then surrounding whitespace, may differ', () => {
  assert.equal(applyChunks('f', 'a  \nb\n', [chunk(['a', 'b'], ['A', 'b'])]), 'A\nb\n');
  assert.equal(applyChunks('f', '    a\n', [chunk(['a'], ['    A'])]), '    A\n');
});

test('an exact match wins over a lenient one earlier in the file', () => {
  assert.equal(applyChunks('f', 'a \na\n', [chunk(['a'], ['A'])]), 'a \nA\n');
});

test('a blank last line the file does not have is dropped from the hunk', () => {
  assert.equal(applyChunks('f', 'a\nb', [chunk(['a', 'b', ''], ['a', 'B', ''])]), 'a\nB');
});

test('CRLF files keep CRLF; a file without a final newline stays without one; an emptied file is empty', () => {
  assert.equal(applyChunks('f', 'a\r\nb\r\n', [chunk(['b'], ['B', 'C'])]), 'a\r\nB\r\nC\r\n');
  assert.equal(applyChunks('f', 'a\nb', [chunk(['b'], ['B'])]), 'a\nB');
  assert.equal(applyChunks('f', 'a\n', [chunk(['a'], [])]), '');
  assert.equal(applyChunks('f', '', [chunk([], ['new'])]), 'new\n');
});

test('lines that are not there: PATCH_CONFLICT naming the file, the hunk and the first line', () => {
  assert.throws(() => applyChunks('src/a.ts', 'a\nb\n', [chunk(['a'], ['A']), chunk(['zzz'], ['y'], { line: 9 })]), (err: unknown) =>
    conflict(2, /^Update File "src\/a\.ts", hunk 2 of 2 \(patch line 9\): its 1 context and removed lines, starting with "zzz", were not found after line 1; read the file again.*no file was changed$/)(err),
  );
});

test('hunks out of file order are refused, saying where the lines are', () => {
  assert.throws(() => applyChunks('f', 'a\nb\nc\n', [chunk(['c'], ['C']), chunk(['a'], ['A'])]), conflict(2, /they are at line 1, before the previous hunk: give hunks in file order/));
});

test('an anchor that is not there is refused', () => {
  assert.throws(() => applyChunks('f', 'a\n', [chunk(['a'], ['b'], { anchor: 'def nope():' })]), conflict(1, /its @@ line "def nope\(\):" was not found after line 0/));
});

test('End of File refuses lines that are not at the end', () => {
  assert.throws(() => applyChunks('f', 'a\nb\n', [chunk(['a'], ['A'], { atEof: true })]), conflict(1, /were not found at the end of the file/));
});
