import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileToolFixture, type FileToolFixture } from '../../../../test/helpers/file-tool-context.js';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { applyPatchTool } from './apply-patch.js';

const patch = (...lines: string[]) => ['*** Begin Patch', ...lines, '*** End Patch'].join('\n');
const isCode = (code: string, re?: RegExp) => (err: unknown) => err instanceof ClawgateError && err.code === code && (!re || re.test(err.message));

/** Every file under the workspace with its content, to show that a refused patch changed nothing. */
function snapshot(f: FileToolFixture, dir = f.ws, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix + e.name;
    if (e.isDirectory()) Object.assign(out, snapshot(f, join(dir, e.name), `${rel}/`));
    else out[rel] = e.isSymbolicLink() ? '<link>' : readFileSync(join(dir, e.name), 'utf8');
  }
  return out;
}

test('one patch adds, updates, moves and deletes files, and lists what it did', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'main.py'), 'def main():\n    print("hi")\n\nmain()\n');
  writeFileSync(join(f.ws, 'old.txt'), 'bye\n');
  writeFileSync(join(f.ws, 'name.txt'), 'a\nb\n');
  const out = await f.run(applyPatchTool, {
    input: patch(
      '*** Add File: docs/readme.md',
      '+# Readme',
      '+',
      '+hello',
      '*** Update File: main.py',
      '@@ def main():',
      '-    print("hi")',
      '+    print("hello")',
      '*** Delete File: old.txt',
      '*** Update File: name.txt',
      '*** Move to: renamed/name.txt',
      ' a',
      '-b',
      '+B',
    ),
  });
  assert.equal(out, 'Done: 4 files changed\nA docs/readme.md\nM main.py\nD old.txt\nR name.txt -> renamed/name.txt');
  assert.deepEqual(snapshot(f), {
    'docs/readme.md': '# Readme\n\nhello\n',
    'main.py': 'def main():\n    print("hello")\n\nmain()\n',
    'renamed/name.txt': 'a\nB\n',
  });
  assert.equal(statSync(join(f.ws, 'docs', 'readme.md')).mode & 0o777, 0o600);
  assert.equal(statSync(join(f.ws, 'docs')).mode & 0o777, 0o700);
});

test('an updated file keeps its mode; a pure move keeps the content', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'run.sh'), 'echo a\n');
  chmodSync(join(f.ws, 'run.sh'), 0o755);
  writeFileSync(join(f.ws, 'keep.txt'), 'same\n');
  await f.run(applyPatchTool, { input: patch('*** Update File: run.sh', '-echo a', '+echo b', '*** Update File: keep.txt', '*** Move to: kept.txt') });
  assert.equal(readFileSync(join(f.ws, 'run.sh'), 'utf8'), 'echo b\n');
  assert.equal(statSync(join(f.ws, 'run.sh')).mode & 0o777, 0o755);
  assert.deepEqual(snapshot(f), { 'kept.txt': 'same\n', 'run.sh': 'echo b\n' });
});

test('all or nothing: a failing hunk in the second file leaves the first unchanged, and no temp file behind', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'a.txt'), 'one\ntwo\n');
  writeFileSync(join(f.ws, 'b.txt'), 'three\nfour\n');
  const before = snapshot(f);
  await assert.rejects(
    f.run(applyPatchTool, { input: patch('*** Add File: new.txt', '+x', '*** Update File: a.txt', '-one', '+ONE', '*** Update File: b.txt', '@@', ' three', '-five', '+FIVE') }),
    isCode('PATCH_CONFLICT', /^Update File "b\.txt", hunk 1 of 1 \(patch line 8\): its 2 context and removed lines, starting with "three", were not found after line 0; .*no file was changed$/),
  );
  assert.deepEqual(snapshot(f), before);
});

test('Add File of an existing file, Delete File of a missing one, and a move onto an existing file are conflicts', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'a.txt'), 'a\n');
  writeFileSync(join(f.ws, 'b.txt'), 'b\n');
  const before = snapshot(f);
  await assert.rejects(f.run(applyPatchTool, { input: patch('*** Add File: a.txt', '+x') }), isCode('PATCH_CONFLICT', /Add File "a\.txt" \(patch line 2\): the file exists; update it with "\*\*\* Update File:" or replace it with write/));
  await assert.rejects(f.run(applyPatchTool, { input: patch('*** Delete File: gone.txt') }), isCode('PATCH_CONFLICT', /Delete File "gone\.txt" \(patch line 2\): there is no such file/));
  await assert.rejects(f.run(applyPatchTool, { input: patch('*** Update File: a.txt', '*** Move to: b.txt', '-a', '+A') }), isCode('PATCH_CONFLICT', /cannot move it to "b\.txt", which exists/));
  assert.deepEqual(snapshot(f), before);
});

test('an Update of a missing or binary file names the operation and keeps the file layer\'s code', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'bin.dat'), Buffer.from([0, 1, 2]));
  await assert.rejects(f.run(applyPatchTool, { input: patch('*** Update File: none.txt', '-a', '+b') }), isCode('FILE_NOT_FOUND', /^Update File "none\.txt" \(patch line 2\): no file "none\.txt".*no file was changed$/));
  await assert.rejects(f.run(applyPatchTool, { input: patch('*** Update File: bin.dat', '-a', '+b') }), isCode('FILE_REFUSED', /Update File "bin\.dat".*binary/));
  await assert.rejects(f.run(applyPatchTool, { input: patch('*** Delete File: .') }), isCode('FILE_REFUSED', /Delete File "\.".*is a directory/));
});

test('every path is confined: Add, Delete, Update, Move to, and a symlink out; nothing changes outside or inside', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'a.txt'), 'a\n');
  writeFileSync(join(f.outside, 'secret.txt'), 'secret\n');
  symlinkSync(join(f.outside, 'secret.txt'), join(f.ws, 'link.txt'));
  symlinkSync(f.outside, join(f.ws, 'out'));
  const before = snapshot(f);
  const attempts = [
    patch('*** Add File: ../outside/new.txt', '+x'),
    patch('*** Add File: out/new.txt', '+x'),
    patch(`*** Delete File: ${join(f.outside, 'secret.txt')}`),
    patch('*** Update File: link.txt', '-secret', '+pwned'),
    patch('*** Update File: a.txt', '*** Move to: ../outside/a.txt', '-a', '+b'),
    patch('*** Update File: a.txt', '-a', '+b', '*** Add File: ../outside/x.txt', '+x'),
  ];
  for (const input of attempts) await assert.rejects(f.run(applyPatchTool, { input }), isCode('WORKSPACE_PATH_ESCAPE', /no file was changed/), input);
  assert.deepEqual(snapshot(f), before);
  assert.deepEqual(readdirSync(f.outside), ['secret.txt']);
  assert.equal(readFileSync(join(f.outside, 'secret.txt'), 'utf8'), 'secret\n');
});

test('a patch that touches one file twice is refused', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'a.txt'), 'a\nb\n');
  await assert.rejects(f.run(applyPatchTool, { input: patch('*** Update File: a.txt', '-a', '+A', '*** Update File: ./a.txt', '-b', '+B') }), isCode('PATCH_INVALID', /changes "a\.txt" more than once/));
  await assert.rejects(f.run(applyPatchTool, { input: patch('*** Add File: n.txt', '+x', '*** Update File: a.txt', '*** Move to: n.txt', '-a', '+A') }), isCode('PATCH_INVALID', /changes "n\.txt" more than once/), 'an added file and a move onto it');
  assert.equal(readFileSync(join(f.ws, 'a.txt'), 'utf8'), 'a\nb\n');
});

test('a malformed patch is PATCH_INVALID through the runtime, as an error result naming the line', async (t) => {
  const f = fileToolFixture(t);
  mkdirSync(join(f.ws, 'd'));
  const out = await f.call(applyPatchTool, { input: '*** Begin Patch\n*** Frobnicate: x\n*** End Patch' });
  assert.equal(out.isError, true);
  assert.match(out.text, /patch line 2: expected/);
  assert.equal(existsSync(join(f.ws, 'x')), false);
});
