import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileToolFixture } from '../../../../test/helpers/file-tool-context.js';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { READ_CHUNK_BYTES, READ_DEFAULT_LINES, READ_MAX_LINE_CHARS, READ_MAX_OUTPUT_CHARS } from './limits.js';
import { readTool } from './read.js';

const isCode = (code: string, re?: RegExp) => (err: unknown) => err instanceof ClawgateError && err.code === code && (!re || re.test(err.message));

test('read shows numbered lines under a header naming the range and the total', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'a.txt'), 'alpha\nbeta\ngamma\n');
  assert.equal(await f.run(readTool, { path: 'a.txt' }), '[a.txt: lines 1-3 of 3]\n     1\talpha\n     2\tbeta\n     3\tgamma');
});

test('offset and limit pick a window; the header says where to continue', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'n.txt'), '1\n2\n3\n4\n5\n');
  assert.equal(await f.run(readTool, { path: 'n.txt', offset: 2, limit: 2 }), '[n.txt: lines 2-3 of 5; continue with offset 4]\n     2\t2\n     3\t3');
  assert.equal(await f.run(readTool, { path: 'n.txt', offset: 4, limit: 10 }), '[n.txt: lines 4-5 of 5]\n     4\t4\n     5\t5');
  assert.equal(await f.run(readTool, { path: 'n.txt', offset: 5 }), '[n.txt: lines 5-5 of 5]\n     5\t5');
});

test('without a limit, read shows the default number of lines', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'many.txt'), Array.from({ length: READ_DEFAULT_LINES + 5 }, (_, i) => `${i + 1}`).join('\n'));
  const out = (await f.run(readTool, { path: 'many.txt' })) as string;
  assert.ok(out.startsWith(`[many.txt: lines 1-${READ_DEFAULT_LINES} of ${READ_DEFAULT_LINES + 5}; continue with offset ${READ_DEFAULT_LINES + 1}]\n`));
  assert.equal(out.split('\n').length, READ_DEFAULT_LINES + 1);
});

test('a last line without a newline counts; CRLF line ends are shown without the CR', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'crlf.txt'), 'one\r\ntwo\r\nthree');
  assert.equal(await f.run(readTool, { path: 'crlf.txt' }), '[crlf.txt: lines 1-3 of 3]\n     1\tone\n     2\ttwo\n     3\tthree');
});

test('blank lines are lines', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'b.txt'), '\n\nx\n');
  assert.equal(await f.run(readTool, { path: 'b.txt' }), '[b.txt: lines 1-3 of 3]\n     1\t\n     2\t\n     3\tx');
});

test('an empty file says so', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'empty.txt'), '');
  assert.equal(await f.run(readTool, { path: 'empty.txt' }), '[empty.txt: empty file]');
});

test('an offset past the end is an error naming the line count', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'n.txt'), '1\n2\n');
  await assert.rejects(f.run(readTool, { path: 'n.txt', offset: 3 }), isCode('INVALID_PARAMS', /offset 3 is past the end of "n\.txt", which has 2 lines/));
});

test('a line longer than the cap is cut with a marker giving its size', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'long.txt'), `short\n${'y'.repeat(READ_MAX_LINE_CHARS * 3)}\nafter\n`);
  const out = (await f.run(readTool, { path: 'long.txt' })) as string;
  const lines = out.split('\n');
  assert.equal(lines[0], '[long.txt: lines 1-3 of 3]');
  assert.equal(lines[2], `     2\t${'y'.repeat(READ_MAX_LINE_CHARS)}… [line cut: ${READ_MAX_LINE_CHARS * 3} bytes]`);
  assert.equal(lines[3], '     3\tafter');
});

test('the output stops at its character cap, and the header says where to continue', async (t) => {
  const f = fileToolFixture(t);
  const line = 'z'.repeat(99);
  writeFileSync(join(f.ws, 'big.txt'), `${Array.from({ length: 1000 }, () => line).join('\n')}\n`);
  const out = (await f.run(readTool, { path: 'big.txt' })) as string;
  const [header, ...rest] = out.split('\n');
  const m = /^\[big\.txt: lines 1-(\d+) of 1000; continue with offset (\d+)\]$/.exec(header!);
  assert.ok(m, header);
  assert.equal(rest.length, Number(m[1]));
  assert.equal(Number(m[2]), rest.length + 1);
  assert.ok(rest.join('\n').length <= READ_MAX_OUTPUT_CHARS);
  assert.ok(rest.length < 1000);
});

test('lines and multi-byte characters that straddle a chunk boundary come out whole', async (t) => {
  const f = fileToolFixture(t);
  // The second line's first é takes the last byte of the first chunk and the first byte of the next.
  const first = 'a'.repeat(READ_CHUNK_BYTES - 2);
  writeFileSync(join(f.ws, 'utf.txt'), `${first}\nééé\n`);
  const out = (await f.run(readTool, { path: 'utf.txt', offset: 2 })) as string;
  assert.equal(out, '[utf.txt: lines 2-2 of 2]\n     2\téé\u00e9');
});

test('binary files (a NUL byte in the first 8 KiB) are refused; a NUL later is not checked', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'bin.dat'), Buffer.concat([Buffer.from('text'), Buffer.from([0]), Buffer.from('more')]));
  await assert.rejects(f.run(readTool, { path: 'bin.dat' }), isCode('FILE_REFUSED', /"bin\.dat" is a binary file/));
  writeFileSync(join(f.ws, 'late.txt'), Buffer.concat([Buffer.from(`${'a'.repeat(9000)}\n`), Buffer.from([0])]));
  assert.match((await f.run(readTool, { path: 'late.txt', limit: 1 })) as string, /^\[late\.txt: lines 1-1 of 2; continue with offset 2\]/);
});

test('a directory is refused with a hint to use ls; a missing file is FILE_NOT_FOUND', async (t) => {
  const f = fileToolFixture(t);
  mkdirSync(join(f.ws, 'dir'));
  await assert.rejects(f.run(readTool, { path: 'dir' }), isCode('FILE_REFUSED', /"dir" is a directory, not a file; list it with ls/));
  await assert.rejects(f.run(readTool, { path: 'nope.txt' }), isCode('FILE_NOT_FOUND', /no file "nope\.txt" in the workspace/));
});

test('a FIFO is refused at once instead of blocking the run', async (t) => {
  const f = fileToolFixture(t);
  execFileSync('mkfifo', [join(f.ws, 'pipe')]);
  await assert.rejects(f.run(readTool, { path: 'pipe' }), isCode('FILE_REFUSED', /not a regular file/));
});

test('paths outside the workspace are refused: .., absolute, a symlink out', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.outside, 'secret.txt'), 'secret');
  symlinkSync(join(f.outside, 'secret.txt'), join(f.ws, 'link.txt'));
  for (const path of ['../outside/secret.txt', join(f.outside, 'secret.txt'), 'link.txt', '/etc/passwd']) {
    await assert.rejects(f.run(readTool, { path }), isCode('WORKSPACE_PATH_ESCAPE'), path);
  }
});

test('a symlink to a file inside the workspace is read, named by its real path', async (t) => {
  const f = fileToolFixture(t);
  mkdirSync(join(f.ws, 'notes'));
  writeFileSync(join(f.ws, 'notes', 'today.md'), 'hello\n');
  symlinkSync('notes/today.md', join(f.ws, 'today.md'));
  assert.equal(await f.run(readTool, { path: 'today.md' }), '[notes/today.md: lines 1-1 of 1]\n     1\thello');
});

test('through the runtime: invalid arguments and refusals become error results the model can read', async (t) => {
  const f = fileToolFixture(t);
  const bad = await f.call(readTool, { path: 'a.txt', offset: 0 });
  assert.equal(bad.isError, true);
  assert.match(bad.text, /invalid arguments for read/);
  const escape = await f.call(readTool, { path: '../x' });
  assert.equal(escape.isError, true);
  assert.match(escape.text, /outside the workspace/);
});
