import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileToolFixture, type FileToolFixture } from '../../../../test/helpers/file-tool-context.js';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { LS_MAX_DEPTH, LS_MAX_ENTRIES } from './limits.js';
import { lsTool } from './ls.js';

const isCode = (code: string, re?: RegExp) => (err: unknown) => err instanceof ClawgateError && err.code === code && (!re || re.test(err.message));

function tree(f: FileToolFixture): void {
  mkdirSync(join(f.ws, 'memory'));
  mkdirSync(join(f.ws, 'memory', 'old'));
  mkdirSync(join(f.ws, 'node_modules', 'pkg'), { recursive: true });
  writeFileSync(join(f.ws, 'MEMORY.md'), '12345');
  writeFileSync(join(f.ws, 'memory', '2024-05-01.md'), 'ab');
  writeFileSync(join(f.ws, 'memory', 'old', 'x.md'), '');
  writeFileSync(join(f.ws, 'node_modules', 'pkg', 'index.js'), '');
  writeFileSync(join(f.outside, 'secret.txt'), 'secret');
  symlinkSync(f.outside, join(f.ws, 'out'));
}

test('ls lists one level by default: folders end with /, files show their size, symlinks their target', async (t) => {
  const f = fileToolFixture(t);
  tree(f);
  assert.equal(await f.run(lsTool, {}), `[ls .: 4 entries, depth 1]\nMEMORY.md  5 bytes\nmemory/\nnode_modules/\nout -> ${f.outside}`);
});

test('depth lists deeper levels, paths relative to the workspace; node_modules is not opened, symlinks not followed', async (t) => {
  const f = fileToolFixture(t);
  tree(f);
  assert.equal(await f.run(lsTool, { depth: 3 }), `[ls .: 7 entries, depth 3]\nMEMORY.md  5 bytes\nmemory/\nmemory/2024-05-01.md  2 bytes\nmemory/old/\nmemory/old/x.md  0 bytes\nnode_modules/\nout -> ${f.outside}`);
});

test('a subfolder lists with paths that read can take as they are', async (t) => {
  const f = fileToolFixture(t);
  tree(f);
  assert.equal(await f.run(lsTool, { path: 'memory' }), '[ls memory: 2 entries, depth 1]\nmemory/2024-05-01.md  2 bytes\nmemory/old/');
});

test('an empty folder says so; a file is refused with a hint to read it; a missing path is FILE_NOT_FOUND', async (t) => {
  const f = fileToolFixture(t);
  mkdirSync(join(f.ws, 'empty'));
  writeFileSync(join(f.ws, 'a.txt'), 'abc');
  assert.equal(await f.run(lsTool, { path: 'empty' }), '[ls empty: empty folder]');
  await assert.rejects(f.run(lsTool, { path: 'a.txt' }), isCode('FILE_REFUSED', /"a\.txt" is a file \(3 bytes\), not a folder; read it with read/));
  await assert.rejects(f.run(lsTool, { path: 'nope' }), isCode('FILE_NOT_FOUND'));
});

test('folders outside are refused: .., absolute, a symlinked folder', async (t) => {
  const f = fileToolFixture(t);
  tree(f);
  for (const path of ['..', f.outside, 'out', 'out/']) await assert.rejects(f.run(lsTool, { path }), isCode('WORKSPACE_PATH_ESCAPE'), path);
});

test('a large folder is capped, and the header says how many there are', async (t) => {
  const f = fileToolFixture(t);
  for (let i = 0; i < LS_MAX_ENTRIES + 10; i++) writeFileSync(join(f.ws, `f${String(i).padStart(4, '0')}.txt`), '');
  const out = (await f.run(lsTool, {})) as string;
  const [header, ...rest] = out.split('\n');
  assert.equal(header, `[ls .: ${LS_MAX_ENTRIES} entries, depth 1; showing the first ${LS_MAX_ENTRIES} of ${LS_MAX_ENTRIES + 10}: list a subfolder for the rest]`);
  assert.equal(rest.length, LS_MAX_ENTRIES);
});

test('a depth beyond the maximum is an invalid argument', async (t) => {
  const f = fileToolFixture(t);
  const out = await f.call(lsTool, { depth: LS_MAX_DEPTH + 1 });
  assert.equal(out.isError, true);
  assert.match(out.text, /invalid arguments for ls/);
});
