import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileToolFixture } from '../../../../test/helpers/file-tool-context.js';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { editTool, lineNumbersOf, occurrences } from './edit.js';
import { EDIT_MAX_FILE_BYTES } from './limits.js';

const isCode = (code: string, re?: RegExp) => (err: unknown) => err instanceof ClawgateError && err.code === code && (!re || re.test(err.message));

test('occurrences are non-overlapping; line numbers are 1-based', () => {
  assert.deepEqual(occurrences('aaaa', 'aa'), [0, 2]);
  assert.deepEqual(occurrences('abc', 'x'), []);
  assert.deepEqual(lineNumbersOf('a\nb\nc x\nx', [0, 4, 6, 8]), [1, 3, 3, 4]);
});

test('edit replaces the one exact match and keeps the rest and the mode', async (t) => {
  const f = fileToolFixture(t);
  const path = join(f.ws, 'code.ts');
  writeFileSync(path, 'const a = 1;\nconst b = 2;\n');
  chmodSync(path, 0o644);
  assert.deepEqual(await f.run(editTool, { path: 'code.ts', oldText: 'const b = 2;', newText: 'const b = 3;' }), { path: 'code.ts', replacements: 1 });
  assert.equal(readFileSync(path, 'utf8'), 'const a = 1;\nconst b = 3;\n');
  assert.equal(statSync(path).mode & 0o777, 0o644);
});

test('newText may be empty (a deletion), and $ patterns in it are taken literally', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'x.txt'), 'keep\ndrop me\nkeep\n');
  await f.run(editTool, { path: 'x.txt', oldText: 'drop me\n', newText: '' });
  assert.equal(readFileSync(join(f.ws, 'x.txt'), 'utf8'), 'keep\nkeep\n');
  await f.run(editTool, { path: 'x.txt', oldText: 'keep\nkeep', newText: "$& $1 $$ $'" });
  assert.equal(readFileSync(join(f.ws, 'x.txt'), 'utf8'), "$& $1 $$ $'\n");
});

test('several matches without replaceAll: an error with the count and line numbers, the file unchanged', async (t) => {
  const f = fileToolFixture(t);
  const text = 'x = 1\ny = 2\nx = 1\n\nx = 1\n';
  writeFileSync(join(f.ws, 'dup.txt'), text);
  await assert.rejects(f.run(editTool, { path: 'dup.txt', oldText: 'x = 1', newText: 'x = 9' }), isCode('EDIT_AMBIGUOUS', /oldText occurs 3 times in "dup\.txt" \(lines 1, 3, 5\); include more surrounding lines to make it unique, or set replaceAll/));
  assert.equal(readFileSync(join(f.ws, 'dup.txt'), 'utf8'), text);
});

test('replaceAll replaces every match and returns how many', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'dup.txt'), 'x = 1\ny = 2\nx = 1\n');
  assert.deepEqual(await f.run(editTool, { path: 'dup.txt', oldText: 'x = 1', newText: 'x = 9', replaceAll: true }), { path: 'dup.txt', replacements: 2 });
  assert.equal(readFileSync(join(f.ws, 'dup.txt'), 'utf8'), 'x = 9\ny = 2\nx = 9\n');
});

test('no match: an error that says so, hints at whitespace when only whitespace differs, the file unchanged', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'py.py'), 'def f():\n    return 1\n');
  await assert.rejects(f.run(editTool, { path: 'py.py', oldText: 'def f():\n  return 1', newText: 'x' }), isCode('EDIT_NO_MATCH', /oldText was not found in "py\.py": it matches only when whitespace is ignored.*indentation.*the file is unchanged/));
  assert.equal(readFileSync(join(f.ws, 'py.py'), 'utf8'), 'def f():\n    return 1\n');
});

test('no match: the closest line is shown when the first line of oldText is in the file', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'a.txt'), 'intro\n  title: Hello\nbody: one\n');
  await assert.rejects(f.run(editTool, { path: 'a.txt', oldText: 'title: Hello\nbody: two', newText: 'x' }), isCode('EDIT_NO_MATCH', /its first line matches line 2 \("  title: Hello"\)/));
  await assert.rejects(f.run(editTool, { path: 'a.txt', oldText: 'nothing like it', newText: 'x' }), isCode('EDIT_NO_MATCH', /no line of the file looks like its first line/));
});

test('a file with CRLF line ends matches oldText written with \\n, and keeps CRLF', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'win.txt'), 'one\r\ntwo\r\nthree\r\n');
  assert.deepEqual(await f.run(editTool, { path: 'win.txt', oldText: 'one\ntwo', newText: 'uno\ndos' }), { path: 'win.txt', replacements: 1 });
  assert.equal(readFileSync(join(f.ws, 'win.txt'), 'utf8'), 'uno\r\ndos\r\nthree\r\n');
});

test('oldText equal to newText is refused as a no-op', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'a.txt'), 'a');
  await assert.rejects(f.run(editTool, { path: 'a.txt', oldText: 'a', newText: 'a' }), isCode('INVALID_PARAMS', /the same/));
});

test('missing, binary, too large, and outside files are refused', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'bin'), Buffer.from([1, 0, 2]));
  writeFileSync(join(f.ws, 'huge.txt'), Buffer.alloc(EDIT_MAX_FILE_BYTES + 1, 0x61));
  writeFileSync(join(f.outside, 'secret.txt'), 'secret');
  symlinkSync(join(f.outside, 'secret.txt'), join(f.ws, 'link.txt'));
  await assert.rejects(f.run(editTool, { path: 'none.txt', oldText: 'a', newText: 'b' }), isCode('FILE_NOT_FOUND'));
  await assert.rejects(f.run(editTool, { path: 'bin', oldText: 'a', newText: 'b' }), isCode('FILE_REFUSED', /binary/));
  await assert.rejects(f.run(editTool, { path: 'huge.txt', oldText: 'a', newText: 'b' }), isCode('FILE_REFUSED', new RegExp(`more than edit handles \\(${EDIT_MAX_FILE_BYTES}\\)`)));
  await assert.rejects(f.run(editTool, { path: 'link.txt', oldText: 'secret', newText: 'b' }), isCode('WORKSPACE_PATH_ESCAPE'));
  await assert.rejects(f.run(editTool, { path: '../outside/secret.txt', oldText: 'secret', newText: 'b' }), isCode('WORKSPACE_PATH_ESCAPE'));
  assert.equal(readFileSync(join(f.outside, 'secret.txt'), 'utf8'), 'secret');
});

test('an empty oldText is refused by the schema', async (t) => {
  const f = fileToolFixture(t);
  const out = await f.call(editTool, { path: 'a.txt', oldText: '', newText: 'b' });
  assert.equal(out.isError, true);
  assert.match(out.text, /invalid arguments for edit/);
});
