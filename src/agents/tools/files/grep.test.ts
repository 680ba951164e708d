import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileToolFixture, type FileToolFixture } from '../../../../test/helpers/file-tool-context.js';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { grepTool, hasNestedQuantifier } from './grep.js';
import { GREP_LINE_CHARS, GREP_MAX_FILE_BYTES, GREP_MAX_PATTERN_CHARS } from './limits.js';

const isCode = (code: string, re?: RegExp) => (err: unknown) => err instanceof ClawgateError && err.code === code && (!re || re.test(err.message));

function tree(f: FileToolFixture): void {
  mkdirSync(join(f.ws, 'src', 'lib'), { recursive: true });
  mkdirSync(join(f.ws, '.git'));
  mkdirSync(join(f.ws, 'node_modules'));
  writeFileSync(join(f.ws, 'notes.md'), 'buy milk\nTODO: call Ada\n');
  writeFileSync(join(f.ws, 'src', 'main.ts'), 'const a = 1;\n// TODO fix\r\nexport {}\n');
  writeFileSync(join(f.ws, 'src', 'lib', 'util.ts'), 'export const todo = 2; // TODO\n');
  writeFileSync(join(f.ws, '.git', 'COMMIT_EDITMSG'), 'TODO in git\n');
  writeFileSync(join(f.ws, 'node_modules', 'x.js'), 'TODO in deps\n');
  writeFileSync(join(f.ws, 'image.png'), Buffer.from([0x89, 0, 0x54, 0x4f, 0x44, 0x4f]));
  writeFileSync(join(f.outside, 'secret.txt'), 'TODO outside\n');
  symlinkSync(join(f.outside, 'secret.txt'), join(f.ws, 'link.txt'));
  symlinkSync(f.outside, join(f.ws, 'out'));
}

test('grep finds lines as path:line: text, files before the folders beside them, skipping .git, node_modules, binaries and symlinks', async (t) => {
  const f = fileToolFixture(t);
  tree(f);
  assert.equal(await f.run(grepTool, { pattern: 'TODO' }), 'notes.md:2: TODO: call Ada\nsrc/main.ts:2: // TODO fix\nsrc/lib/util.ts:1: export const todo = 2; // TODO\n[1 binary file skipped]');
});

test('ignoreCase, a regular expression, and a path (folder or file) narrow the search', async (t) => {
  const f = fileToolFixture(t);
  tree(f);
  assert.equal(await f.run(grepTool, { pattern: 'todo', ignoreCase: true, path: 'src/lib' }), 'src/lib/util.ts:1: export const todo = 2; // TODO');
  assert.equal(await f.run(grepTool, { pattern: '^const \\w+ = \\d;$', path: 'src' }), 'src/main.ts:1: const a = 1;');
  assert.equal(await f.run(grepTool, { pattern: 'milk', path: 'notes.md' }), 'notes.md:1: buy milk');
});

test('glob filters by file name, or by path below the search folder when it has a /', async (t) => {
  const f = fileToolFixture(t);
  tree(f);
  assert.equal(await f.run(grepTool, { pattern: 'TODO', glob: '*.md' }), 'notes.md:2: TODO: call Ada', 'the binary .png is not even opened');
  assert.equal(await f.run(grepTool, { pattern: 'TODO', glob: 'src/*.ts' }), 'src/main.ts:2: // TODO fix');
  assert.equal(await f.run(grepTool, { pattern: 'TODO', path: 'src', glob: 'lib/**' }), 'src/lib/util.ts:1: export const todo = 2; // TODO');
});

test('no match says so, with the number of files searched', async (t) => {
  const f = fileToolFixture(t);
  tree(f);
  assert.equal(await f.run(grepTool, { pattern: 'zebra', path: 'src' }), 'No matches for /zebra/ in src (2 files searched)');
});

test('maxResults caps the results, with a note saying how to see more', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'many.txt'), 'hit\n'.repeat(10));
  const out = (await f.run(grepTool, { pattern: 'hit', maxResults: 3 })) as string;
  assert.equal(out, 'many.txt:1: hit\nmany.txt:2: hit\nmany.txt:3: hit\n[results capped at 3: narrow the pattern, path or glob, or raise maxResults (up to 500)]');
  assert.doesNotMatch((await f.run(grepTool, { pattern: 'hit', maxResults: 10 })) as string, /capped/);
});

test('a long matching line is cut', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'long.txt'), `needle ${'x'.repeat(GREP_LINE_CHARS * 2)}\n`);
  const out = (await f.run(grepTool, { pattern: 'needle' })) as string;
  assert.equal(out, `long.txt:1: ${`needle ${'x'.repeat(GREP_LINE_CHARS * 2)}`.slice(0, GREP_LINE_CHARS)}…`);
});

test('files over the size cap are skipped and counted', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'huge.log'), Buffer.alloc(GREP_MAX_FILE_BYTES + 1, 0x61));
  writeFileSync(join(f.ws, 'small.log'), 'aaa\n');
  assert.equal(await f.run(grepTool, { pattern: 'aaa' }), `small.log:1: aaa\n[1 file over ${GREP_MAX_FILE_BYTES} bytes skipped]`);
});

test('an invalid or too long pattern is INVALID_PARAMS saying what to do', async (t) => {
  const f = fileToolFixture(t);
  await assert.rejects(f.run(grepTool, { pattern: 'foo(' }), isCode('INVALID_PARAMS', /not a valid JavaScript regular expression.*escape special characters/));
  await assert.rejects(f.run(grepTool, { pattern: 'a'.repeat(GREP_MAX_PATTERN_CHARS + 1) }), isCode('INVALID_PARAMS', new RegExp(`more than ${GREP_MAX_PATTERN_CHARS}`)));
});

test('a path outside is refused; a missing one is FILE_NOT_FOUND', async (t) => {
  const f = fileToolFixture(t);
  tree(f);
  for (const path of ['..', '../outside', 'out', 'link.txt', f.outside]) await assert.rejects(f.run(grepTool, { pattern: 'TODO', path }), isCode('WORKSPACE_PATH_ESCAPE'), path);
  await assert.rejects(f.run(grepTool, { pattern: 'x', path: 'nope' }), isCode('FILE_NOT_FOUND'));
});

test('patterns that repeat a quantified group (exponential backtracking) are refused; ordinary groups are fine', async (t) => {
  for (const p of ['(a+)+$', '(\\w*)*x', '(a|b+){2,}', '(?:x+)*', '(a{1,3})+']) assert.equal(hasNestedQuantifier(p), true, p);
  for (const p of ['(ab)+', 'a+b*', '(foo|bar)', 'x{2,}', '\\(a+\\)+', '(TODO|FIXME):\\s+\\w+', '[(]a+[)]']) assert.equal(hasNestedQuantifier(p), false, p);
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'a.txt'), `${'a'.repeat(40)}!\n`);
  await assert.rejects(f.run(grepTool, { pattern: '(a+)+$' }), isCode('INVALID_PARAMS', /repeats a group that holds a quantifier/));
});
