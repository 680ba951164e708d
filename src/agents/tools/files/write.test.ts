import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileToolFixture } from '../../../../test/helpers/file-tool-context.js';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { WRITE_MAX_BYTES } from './limits.js';
import { writeTool } from './write.js';

const isCode = (code: string, re?: RegExp) => (err: unknown) => err instanceof ClawgateError && err.code === code && (!re || re.test(err.message));
const mode = (p: string) => statSync(p).mode & 0o777;

test('write creates a new file (0600) and its missing folders (0700), and says how many bytes it wrote', async (t) => {
  const f = fileToolFixture(t);
  assert.deepEqual(await f.run(writeTool, { path: 'notes/2024/today.md', content: 'héllo\n' }), { path: 'notes/2024/today.md', bytes: 7, created: true });
  assert.equal(readFileSync(join(f.ws, 'notes', '2024', 'today.md'), 'utf8'), 'héllo\n');
  assert.equal(mode(join(f.ws, 'notes', '2024', 'today.md')), 0o600);
  assert.equal(mode(join(f.ws, 'notes')), 0o700);
  assert.equal(mode(join(f.ws, 'notes', '2024')), 0o700);
});

test('write replaces an existing file whole, keeps its mode, and leaves no temp file behind', async (t) => {
  const f = fileToolFixture(t);
  const path = join(f.ws, 'run.sh');
  writeFileSync(path, 'old old old\n');
  chmodSync(path, 0o750);
  assert.deepEqual(await f.run(writeTool, { path: 'run.sh', content: 'new' }), { path: 'run.sh', bytes: 3, created: false });
  assert.equal(readFileSync(path, 'utf8'), 'new');
  assert.equal(mode(path), 0o750);
  assert.deepEqual(readdirSync(f.ws), ['run.sh']);
});

test('an empty content makes an empty file', async (t) => {
  const f = fileToolFixture(t);
  assert.deepEqual(await f.run(writeTool, { path: 'e.txt', content: '' }), { path: 'e.txt', bytes: 0, created: true });
  assert.equal(readFileSync(join(f.ws, 'e.txt'), 'utf8'), '');
});

test('content over the cap is refused and nothing is written', async (t) => {
  const f = fileToolFixture(t);
  await assert.rejects(f.run(writeTool, { path: 'big.txt', content: 'é'.repeat(WRITE_MAX_BYTES / 2 + 1) }), isCode('FILE_REFUSED', new RegExp(`content is ${WRITE_MAX_BYTES + 2} bytes, more than write accepts`)));
  assert.deepEqual(readdirSync(f.ws), []);
});

test('a directory at the path, or a file where a folder should be, is refused', async (t) => {
  const f = fileToolFixture(t);
  mkdirSync(join(f.ws, 'dir'));
  writeFileSync(join(f.ws, 'file.txt'), 'x');
  await assert.rejects(f.run(writeTool, { path: 'dir', content: 'x' }), isCode('FILE_REFUSED', /"dir" is a directory/));
  await assert.rejects(f.run(writeTool, { path: 'file.txt/inner.txt', content: 'x' }), isCode('FILE_REFUSED', /a folder on its path is a file/));
  assert.equal(readFileSync(join(f.ws, 'file.txt'), 'utf8'), 'x');
});

test('paths outside are refused and nothing is created there: .., absolute, symlinked folder, dangling symlink', async (t) => {
  const f = fileToolFixture(t);
  symlinkSync(f.outside, join(f.ws, 'out'));
  symlinkSync(join(f.outside, 'created-through-link.txt'), join(f.ws, 'dangling.txt'));
  for (const path of ['../outside/x.txt', join(f.outside, 'y.txt'), 'out/z.txt', 'out/new/z.txt', 'dangling.txt']) {
    await assert.rejects(f.run(writeTool, { path, content: 'pwned' }), isCode('WORKSPACE_PATH_ESCAPE'), path);
  }
  assert.deepEqual(readdirSync(f.outside), []);
});

test('writing through a symlink to a file inside replaces that file', async (t) => {
  const f = fileToolFixture(t);
  writeFileSync(join(f.ws, 'real.txt'), 'before');
  symlinkSync('real.txt', join(f.ws, 'alias.txt'));
  assert.deepEqual(await f.run(writeTool, { path: 'alias.txt', content: 'after' }), { path: 'real.txt', bytes: 5, created: false });
  assert.equal(readFileSync(join(f.ws, 'real.txt'), 'utf8'), 'after');
  assert.ok(statSync(join(f.ws, 'alias.txt')).isFile(), 'the link still points at it');
});
