import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { parsePatch } from './patch-parse.js';

const patch = (...lines: string[]) => ['*** Begin Patch', ...lines, '*** End Patch'].join('\n');
const invalid = (line: number, re: RegExp) => (err: unknown) => err instanceof ClawgateError && err.code === 'PATCH_INVALID' && err.details.line === line && re.test(err.message) && /no file was changed/.test(err.message);

test('add, delete and update with a move, in patch order', () => {
  const ops = parsePatch(patch('*** Add File: a.txt', '+one', '+', '+three', '*** Delete File: old.txt', '*** Update File: b.txt', '*** Move to: c.txt', '@@ def f():', ' ctx', '-old', '+new'));
  assert.deepEqual(ops, [
    { kind: 'add', path: 'a.txt', lines: ['one', '', 'three'], line: 2 },
    { kind: 'delete', path: 'old.txt', line: 6 },
    { kind: 'update', path: 'b.txt', moveTo: 'c.txt', line: 7, chunks: [{ anchor: 'def f():', oldLines: ['ctx', 'old'], newLines: ['ctx', 'new'], atEof: false, line: 9 }] },
  ]);
});

test('several hunks; the first may omit @@; End of File marks a hunk; an empty line is empty context', () => {
  const [op] = parsePatch(patch('*** Update File: f.txt', ' a', '-b', '+B', '@@', ' x', '', '-y', '*** End of File'));
  assert.deepEqual(op, {
    kind: 'update',
    path: 'f.txt',
    moveTo: undefined,
    line: 2,
    chunks: [
      { anchor: undefined, oldLines: ['a', 'b'], newLines: ['a', 'B'], atEof: false, line: 3 },
      { anchor: undefined, oldLines: ['x', '', 'y'], newLines: ['x', ''], atEof: true, line: 6 },
    ],
  });
});

test('CRLF input, blank lines around the patch and between operations are accepted', () => {
  const ops = parsePatch(`\n\n${patch('*** Add File: a.txt', '+x', '', '*** Delete File: b.txt').replace(/\n/g, '\r\n')}\n\n`);
  assert.deepEqual(ops.map((o) => [o.kind, o.path]), [['add', 'a.txt'], ['delete', 'b.txt']]);
  assert.deepEqual(ops[0]!.kind === 'add' && ops[0]!.lines, ['x']);
});

test('an empty Add File makes an empty file; a move without hunks is a rename', () => {
  const ops = parsePatch(patch('*** Add File: empty.txt', '*** Update File: a.txt', '*** Move to: b.txt'));
  assert.deepEqual(ops, [
    { kind: 'add', path: 'empty.txt', lines: [], line: 2 },
    { kind: 'update', path: 'a.txt', moveTo: 'b.txt', chunks: [], line: 3 },
  ]);
});

test('a missing Begin or End Patch is refused', () => {
  assert.throws(() => parsePatch('*** Add File: a\n+x\n*** End Patch'), invalid(1, /starts with "\*\*\* Begin Patch"/));
  assert.throws(() => parsePatch('*** Begin Patch\n*** Add File: a\n+x'), invalid(3, /ends with "\*\*\* End Patch"/));
  assert.throws(() => parsePatch('*** Begin Patch'), invalid(1, /ends with/));
  assert.throws(() => parsePatch(''), invalid(1, /starts with/));
});

test('a patch with no operation, or an unknown header, is refused with its line', () => {
  assert.throws(() => parsePatch(patch()), invalid(1, /changes no file/));
  assert.throws(() => parsePatch(patch('*** Rename File: a')), invalid(2, /expected "\*\*\* Add File:".*got "\*\*\* Rename File: a"/));
  assert.throws(() => parsePatch(patch('+orphan line')), invalid(2, /expected/));
});

test('paths must be given', () => {
  assert.throws(() => parsePatch(patch('*** Add File:  ', '+x')), invalid(2, /needs a path/));
  assert.throws(() => parsePatch(patch('*** Update File: a', '*** Move to: ', ' x')), invalid(3, /needs a path/));
});

test('Add File lines start with +; hunk lines with space, - or +', () => {
  assert.throws(() => parsePatch(patch('*** Add File: a', '+ok', 'no plus')), invalid(4, /every line of "Add File: a" starts with "\+"/));
  assert.throws(() => parsePatch(patch('*** Update File: a', '@@', ' ok', 'oops')), invalid(5, /starts with " " \(context\), "-" \(remove\) or "\+" \(add\), got "oops"/));
});

test('an Update without hunks (and no move), or an empty hunk, is refused', () => {
  assert.throws(() => parsePatch(patch('*** Update File: a')), invalid(2, /"Update File: a" has no hunks/));
  assert.throws(() => parsePatch(patch('*** Update File: a', '@@', '@@', ' x')), invalid(3, /hunk 1 of "Update File: a" has no lines/));
});
