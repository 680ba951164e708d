import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { ClawgateError } from '../../protocol/error-catalogue.js';
import { confinePath, isInside, relativeToRoot } from './confine.js';
import { MAX_PATH_CHARS } from './limits.js';

/** A temp dir holding `ws` (the workspace, with a.txt and sub/b.txt), a lookalike sibling `ws-evil`, and `outside`. */
function layout(t: TestContext): { base: string; ws: string; evil: string; outside: string } {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'cg-confine-')));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const ws = join(base, 'ws');
  const evil = join(base, 'ws-evil');
  const outside = join(base, 'outside');
  for (const d of [ws, join(ws, 'sub'), evil, outside]) mkdirSync(d);
  writeFileSync(join(ws, 'a.txt'), 'a');
  writeFileSync(join(ws, 'sub', 'b.txt'), 'b');
  writeFileSync(join(evil, 'secret.txt'), 'evil');
  writeFileSync(join(outside, 'secret.txt'), 'outside');
  return { base, ws, evil, outside };
}

async function refusal(p: Promise<unknown>, code: string): Promise<ClawgateError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ClawgateError, `a ClawgateError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}, but the path was accepted`);
}

async function escapes(ws: string, path: string): Promise<ClawgateError> {
  const err = await refusal(confinePath(ws, path), 'WORKSPACE_PATH_ESCAPE');
  assert.ok(err.message.includes(`"${path}"`), `the message names the path: ${err.message}`);
  assert.ok(err.message.includes(ws), `the message names the workspace: ${err.message}`);
  return err;
}

test('isInside: the root itself and paths below it are inside; a lookalike sibling and the parent are not', () => {
  assert.equal(isInside('/tmp/x/ws', '/tmp/x/ws'), true);
  assert.equal(isInside('/tmp/x/ws', '/tmp/x/ws/a'), true);
  assert.equal(isInside('/tmp/x/ws', '/tmp/x/ws/a/b'), true);
  assert.equal(isInside('/tmp/x/ws', '/tmp/x/ws-evil'), false);
  assert.equal(isInside('/tmp/x/ws', '/tmp/x/ws-evil/a'), false);
  assert.equal(isInside('/tmp/x/ws', '/tmp/x/wsa'), false);
  assert.equal(isInside('/tmp/x/ws', '/tmp/x'), false);
  assert.equal(isInside('/tmp/x/ws', '/tmp/x/'), false);
  assert.equal(isInside('/tmp/x/ws', '/'), false);
  assert.equal(isInside('/', '/etc/passwd'), true, 'a workspace at / holds everything');
  assert.equal(isInside('/tmp/x/ws/', '/tmp/x/ws/a'), true, 'a root given with a trailing separator');
});

test('relativeToRoot: "." for the root, a relative path below it', () => {
  assert.equal(relativeToRoot('/w', '/w'), '.');
  assert.equal(relativeToRoot('/w', '/w/a/b.txt'), 'a/b.txt');
});

test('a relative path to an existing file resolves inside, with its path relative to the workspace', async (t) => {
  const { ws } = layout(t);
  assert.deepEqual(await confinePath(ws, 'a.txt'), { root: ws, real: join(ws, 'a.txt'), rel: 'a.txt', exists: true });
  assert.deepEqual(await confinePath(ws, 'sub/b.txt'), { root: ws, real: join(ws, 'sub', 'b.txt'), rel: 'sub/b.txt', exists: true });
  assert.deepEqual(await confinePath(ws, './sub//b.txt'), { root: ws, real: join(ws, 'sub', 'b.txt'), rel: 'sub/b.txt', exists: true });
});

test('a path that does not exist yet resolves inside, through its deepest existing ancestor', async (t) => {
  const { ws } = layout(t);
  assert.deepEqual(await confinePath(ws, 'new/deeper/c.txt'), { root: ws, real: join(ws, 'new', 'deeper', 'c.txt'), rel: 'new/deeper/c.txt', exists: false });
  assert.deepEqual(await confinePath(ws, 'sub/new.txt'), { root: ws, real: join(ws, 'sub', 'new.txt'), rel: 'sub/new.txt', exists: false });
});

test('the workspace itself: ".", "sub/..", and its absolute path', async (t) => {
  const { ws } = layout(t);
  const self = { root: ws, real: ws, rel: '.', exists: true };
  assert.deepEqual(await confinePath(ws, '.'), self);
  assert.deepEqual(await confinePath(ws, 'sub/..'), self);
  assert.deepEqual(await confinePath(ws, ws), self);
  assert.deepEqual(await confinePath(ws, `${ws}/`), self);
});

test('an absolute path inside the workspace is accepted', async (t) => {
  const { ws } = layout(t);
  assert.equal((await confinePath(ws, join(ws, 'sub', 'b.txt'))).rel, 'sub/b.txt');
});

test('absolute paths outside are refused: /etc/passwd, the parent, a lookalike sibling dir', async (t) => {
  const { base, ws, evil } = layout(t);
  await escapes(ws, '/etc/passwd');
  await escapes(ws, '/');
  await escapes(ws, base);
  await escapes(ws, evil);
  await escapes(ws, join(evil, 'secret.txt'));
  await escapes(ws, `${ws}-evil/secret.txt`);
  await escapes(ws, `${ws}x`);
});

test('.. escapes are refused, however they are spelled', async (t) => {
  const { ws } = layout(t);
  for (const p of ['..', '../', '../outside/secret.txt', 'a/../../x', 'sub/../../outside', 'sub/../../ws-evil/secret.txt', '../ws-evil', './../ws-evil/secret.txt', 'sub/./../..', '../../../../../../etc/passwd']) {
    await escapes(ws, p);
  }
});

test('.. that stays inside is fine, also when it climbs out and back in by name', async (t) => {
  const { ws } = layout(t);
  assert.equal((await confinePath(ws, 'sub/../a.txt')).rel, 'a.txt');
  assert.equal((await confinePath(ws, 'x/y/../../sub/b.txt')).rel, 'sub/b.txt');
  assert.equal((await confinePath(ws, '../ws/a.txt')).rel, 'a.txt', 'the same file as a.txt');
});

test('a symlink to /etc is refused, as the path itself, below it, and for a new file below it', async (t) => {
  const { ws } = layout(t);
  symlinkSync('/etc', join(ws, 'etc-link'));
  const err = await escapes(ws, 'etc-link');
  assert.match(err.message, /through a symlink/);
  assert.equal(err.details.resolved, '/etc');
  await escapes(ws, 'etc-link/passwd');
  await escapes(ws, 'etc-link/new-file.txt');
  await escapes(ws, 'etc-link/new-dir/new-file.txt');
});

test('a symlink as the final component to a file outside is refused; to a file inside it resolves to that file', async (t) => {
  const { ws, outside } = layout(t);
  symlinkSync(join(outside, 'secret.txt'), join(ws, 'out.txt'));
  symlinkSync('sub/b.txt', join(ws, 'in.txt'));
  await escapes(ws, 'out.txt');
  assert.deepEqual(await confinePath(ws, 'in.txt'), { root: ws, real: join(ws, 'sub', 'b.txt'), rel: 'sub/b.txt', exists: true });
});

test('a symlinked directory in the middle: inside is followed, outside is refused', async (t) => {
  const { ws, outside } = layout(t);
  symlinkSync(join(ws, 'sub'), join(ws, 'sub-link'));
  symlinkSync(outside, join(ws, 'out-dir'));
  assert.equal((await confinePath(ws, 'sub-link/b.txt')).rel, 'sub/b.txt');
  assert.equal((await confinePath(ws, 'sub-link/new/c.txt')).rel, 'sub/new/c.txt');
  await escapes(ws, 'out-dir/secret.txt');
  await escapes(ws, 'out-dir/new.txt');
  await escapes(ws, 'out-dir');
});

test('a relative symlink climbing out (to the parent, to a lookalike sibling) is refused; one to the root itself is the root', async (t) => {
  const { ws } = layout(t);
  symlinkSync('..', join(ws, 'up'));
  symlinkSync('../ws-evil', join(ws, 'evil-link'));
  symlinkSync('.', join(ws, 'self'));
  symlinkSync('../a.txt', join(ws, 'sub', 'up-a'));
  await escapes(ws, 'up');
  await escapes(ws, 'up/ws-evil/secret.txt');
  await escapes(ws, 'evil-link/secret.txt');
  assert.deepEqual(await confinePath(ws, 'self'), { root: ws, real: ws, rel: '.', exists: true });
  assert.equal((await confinePath(ws, 'self/self/a.txt')).rel, 'a.txt');
  assert.equal((await confinePath(ws, 'sub/up-a')).rel, 'a.txt', 'a relative target is relative to the link\'s directory');
});

test('symlink chains: one that ends outside is refused, one that ends inside resolves to its end', async (t) => {
  const { ws, outside } = layout(t);
  symlinkSync(join(outside, 'secret.txt'), join(ws, 'c'));
  symlinkSync('c', join(ws, 'b'));
  symlinkSync('b', join(ws, 'a'));
  symlinkSync('sub/b.txt', join(ws, 'z'));
  symlinkSync('z', join(ws, 'y'));
  symlinkSync(join(ws, 'y'), join(ws, 'x'));
  await escapes(ws, 'a');
  assert.equal((await confinePath(ws, 'x')).rel, 'sub/b.txt');
});

test('dangling symlinks: the target is what counts, since writing through the link would create it', async (t) => {
  const { ws, outside } = layout(t);
  symlinkSync('/etc/clawgate-does-not-exist', join(ws, 'dangling-abs'));
  symlinkSync('../outside/new.txt', join(ws, 'dangling-rel'));
  symlinkSync('../ws-evil/new.txt', join(ws, 'dangling-evil'));
  symlinkSync('later/new.txt', join(ws, 'dangling-in'));
  symlinkSync(join(outside, 'nodir'), join(ws, 'dangling-dir'));
  await escapes(ws, 'dangling-abs');
  await escapes(ws, 'dangling-rel');
  await escapes(ws, 'dangling-evil');
  await escapes(ws, 'dangling-dir/x.txt');
  assert.deepEqual(await confinePath(ws, 'dangling-in'), { root: ws, real: join(ws, 'later', 'new.txt'), rel: 'later/new.txt', exists: false });
});

test('a dangling chain (link to a link to nowhere outside) is refused; one to nowhere inside resolves to the end', async (t) => {
  const { ws } = layout(t);
  symlinkSync('/nonexistent-clawgate/x', join(ws, 'l2'));
  symlinkSync('l2', join(ws, 'l1'));
  symlinkSync('sub/none.txt', join(ws, 'm2'));
  symlinkSync('m2', join(ws, 'm1'));
  await escapes(ws, 'l1');
  assert.equal((await confinePath(ws, 'm1')).rel, 'sub/none.txt');
});

test('a dangling symlink in the middle of a path is followed to its target', async (t) => {
  const { ws, outside } = layout(t);
  symlinkSync('made-later', join(ws, 'mid-in'));
  symlinkSync(join(outside, 'made-later'), join(ws, 'mid-out'));
  assert.deepEqual(await confinePath(ws, 'mid-in/x/y.txt'), { root: ws, real: join(ws, 'made-later', 'x', 'y.txt'), rel: 'made-later/x/y.txt', exists: false });
  await escapes(ws, 'mid-out/x/y.txt');
});

test('a symlink loop is refused as FILE_REFUSED naming the path, dangling or not', async (t) => {
  const { ws } = layout(t);
  symlinkSync('loop-b', join(ws, 'loop-a'));
  symlinkSync('loop-a', join(ws, 'loop-b'));
  const err = await refusal(confinePath(ws, 'loop-a'), 'FILE_REFUSED');
  assert.match(err.message, /"loop-a".*symlink loop/);
  await refusal(confinePath(ws, 'loop-a/x'), 'FILE_REFUSED');
});

test('a loop the kernel reports as missing (through a directory that does not exist) is stopped by the hop limit', async (t) => {
  const { ws } = layout(t);
  // The kernel fails on `nothing/` (ENOENT); read by name, `nothing/../self-loop` is the link again.
  symlinkSync('nothing/../self-loop', join(ws, 'self-loop'));
  const err = await refusal(confinePath(ws, 'self-loop'), 'FILE_REFUSED');
  assert.match(err.message, /more than 40 symlinks/);
});

test('a path through a file (not a directory) stays inside and does not exist', async (t) => {
  const { ws } = layout(t);
  assert.deepEqual(await confinePath(ws, 'a.txt/x'), { root: ws, real: join(ws, 'a.txt', 'x'), rel: 'a.txt/x', exists: false });
});

test('malformed paths are INVALID_PARAMS: empty, a NUL character, longer than the cap', async (t) => {
  const { ws } = layout(t);
  const empty = await refusal(confinePath(ws, ''), 'INVALID_PARAMS');
  assert.match(empty.message, /path is empty/);
  assert.ok(empty.message.includes(ws));
  assert.match((await refusal(confinePath(ws, 'a.txt\0/etc/passwd'), 'INVALID_PARAMS')).message, /NUL/);
  await refusal(confinePath(ws, '\0'), 'INVALID_PARAMS');
  await refusal(confinePath(ws, 'x'.repeat(MAX_PATH_CHARS + 1)), 'INVALID_PARAMS');
  assert.equal((await confinePath(ws, 'x'.repeat(200))).exists, false, 'a long but valid name is fine');
});

test('a workspace that is itself a symlink: its real path is the root; both spellings of a path inside work', async (t) => {
  const { base, ws, outside } = layout(t);
  const link = join(base, 'ws-link');
  symlinkSync(ws, link);
  assert.deepEqual(await confinePath(link, 'a.txt'), { root: ws, real: join(ws, 'a.txt'), rel: 'a.txt', exists: true });
  assert.equal((await confinePath(link, join(link, 'sub', 'b.txt'))).rel, 'sub/b.txt');
  assert.equal((await confinePath(link, join(ws, 'sub', 'b.txt'))).rel, 'sub/b.txt');
  await escapes(link, join(outside, 'secret.txt'));
  await escapes(link, '../outside/secret.txt');
  await escapes(link, '../ws-link-evil');
});

test('a path outside as written is refused even when a symlink would bring it back inside', async (t) => {
  const { base, ws } = layout(t);
  symlinkSync(ws, join(base, 'back-in'));
  await escapes(ws, join(base, 'back-in', 'a.txt'));
});

test('a workspace that does not exist is FILE_NOT_FOUND, naming it', async (t) => {
  const { base } = layout(t);
  const missing = join(base, 'gone');
  const err = await refusal(confinePath(missing, 'a.txt'), 'FILE_NOT_FOUND');
  assert.ok(err.message.includes(missing));
});

test('refusals carry the path and the workspace in their details', async (t) => {
  const { ws } = layout(t);
  symlinkSync('loop-b', join(ws, 'loop-a'));
  symlinkSync('loop-a', join(ws, 'loop-b'));
  assert.deepEqual((await refusal(confinePath(ws, 'loop-a'), 'FILE_REFUSED')).details, { path: 'loop-a', workspace: ws });
  assert.deepEqual((await refusal(confinePath(ws, '../outside'), 'WORKSPACE_PATH_ESCAPE')).details, { path: '../outside', workspace: ws });
  assert.deepEqual((await refusal(confinePath(ws, ''), 'INVALID_PARAMS')).details, { workspace: ws });
  assert.deepEqual((await refusal(confinePath(ws, 'a\0b'), 'INVALID_PARAMS')).details, { workspace: ws });
  assert.deepEqual((await refusal(confinePath(ws, 'x'.repeat(MAX_PATH_CHARS + 1)), 'INVALID_PARAMS')).details, { workspace: ws });
  const missing = join(ws, 'gone');
  assert.deepEqual((await refusal(confinePath(missing, 'a.txt'), 'FILE_NOT_FOUND')).details, { workspace: missing });
});

test('the path length cap: exactly MAX_PATH_CHARS is allowed, one more is refused with both lengths in the message', async (t) => {
  const { ws } = layout(t);
  const atCap = 'd/'.repeat(MAX_PATH_CHARS / 2 - 1) + 'xx'; // MAX_PATH_CHARS characters, short components
  assert.equal(atCap.length, MAX_PATH_CHARS);
  assert.equal((await confinePath(ws, atCap)).exists, false);
  const err = await refusal(confinePath(ws, `${atCap}x`), 'INVALID_PARAMS');
  assert.ok(err.message.includes(`path is ${MAX_PATH_CHARS + 1} characters long, more than ${MAX_PATH_CHARS}`), err.message);
  assert.ok(err.message.includes(ws), err.message);
});

test('a chain of exactly 40 dangling symlinks is followed; 41 is refused as a loop', async (t) => {
  const { ws } = layout(t);
  const chain = (prefix: string, n: number): void => {
    for (let i = 0; i < n - 1; i++) symlinkSync(`${prefix}${i + 1}`, join(ws, `${prefix}${i}`));
    symlinkSync('sub/later.txt', join(ws, `${prefix}${n - 1}`));
  };
  chain('c', 40);
  assert.deepEqual(await confinePath(ws, 'c0'), { root: ws, real: join(ws, 'sub', 'later.txt'), rel: 'sub/later.txt', exists: false });
  chain('d', 41);
  assert.match((await refusal(confinePath(ws, 'd0'), 'FILE_REFUSED')).message, /more than 40 symlinks/);
});

test('other system errors are not taken for a missing path: a name longer than the file system allows fails as ENAMETOOLONG', async (t) => {
  const { ws } = layout(t);
  const long = 'n'.repeat(300);
  await assert.rejects(confinePath(ws, long), (err: NodeJS.ErrnoException) => !(err instanceof ClawgateError) && err.code === 'ENAMETOOLONG');
  await assert.rejects(confinePath(join(ws, long), 'a.txt'), (err: NodeJS.ErrnoException) => !(err instanceof ClawgateError) && err.code === 'ENAMETOOLONG');
});
