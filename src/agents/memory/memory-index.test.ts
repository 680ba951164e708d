import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryIndex } from './memory-index.js';
import { MAX_MEMORY_FILE_BYTES } from './memory-limits.js';
import { writeSampleNotes } from './sample-notes.js';

/** A workspace and an index file in a temp dir, closed and removed after the test. */
function setup(t: TestContext): { ws: string; dbPath: string; open: () => MemoryIndex } {
  const dir = mkdtempSync(join(tmpdir(), 'cg-mem-'));
  const ws = join(dir, 'workspace');
  mkdirSync(join(ws, 'memory'), { recursive: true });
  const dbPath = join(dir, 'state', 'memory', 'main.sqlite');
  const opened: MemoryIndex[] = [];
  t.after(() => {
    for (const i of opened) i.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    ws,
    dbPath,
    open: () => {
      const index = MemoryIndex.open({ dbPath, workspace: ws });
      opened.push(index);
      return index;
    },
  };
}

test('MEMORY.md and memory/*.md are indexed; hits carry file, lines and a snippet with the matched words', async (t) => {
  const { ws, open } = setup(t);
  writeFileSync(join(ws, 'MEMORY.md'), '# About the owner\n\nPrefers green tea in the morning.\n\n# Work\n\nThe quarterly budget review is on Fridays.\n');
  writeFileSync(join(ws, 'memory', '2025-05-01.md'), 'Call the dentist about the crown.\n');
  writeFileSync(join(ws, 'notes.md'), 'budget outside the memory paths\n');
  const index = open();
  const r = await index.search('budget review');
  assert.equal(r.files, 2);
  assert.deepEqual(r.results.map((h) => [h.path, h.startLine, h.endLine]), [['MEMORY.md', 5, 7]]);
  assert.match(r.results[0]!.snippet, /\*\*budget\*\* \*\*review\*\*/);
  assert.ok(r.results[0]!.score > 0);
  const dentist = await index.search('dentist');
  assert.deepEqual(dentist.results.map((h) => [h.path, h.startLine]), [['memory/2025-05-01.md', 1]]);
});

test('the index follows the notes: an edit, a new file and a deleted file show in the next search, without reopening', async (t) => {
  const { ws, open } = setup(t);
  const note = join(ws, 'memory', 'garden.md');
  writeFileSync(note, 'Plant tomatoes in April.\n');
  const index = open();
  assert.equal((await index.search('tomatoes')).results.length, 1);
  // An in-place edit (same folder entry, new content), searched at once.
  writeFileSync(note, 'Plant courgettes in May.\n');
  assert.deepEqual((await index.search('tomatoes')).results, []);
  assert.deepEqual((await index.search('courgettes')).results.map((h) => h.path), ['memory/garden.md']);
  appendFileSync(note, '\nWater the basil daily.\n');
  // Short paragraphs share a chunk: the hit spans both.
  assert.deepEqual((await index.search('basil')).results.map((h) => [h.path, h.startLine, h.endLine]), [['memory/garden.md', 1, 3]]);
  writeFileSync(join(ws, 'memory', 'books.md'), 'Return the overdue library books.\n');
  assert.deepEqual((await index.search('overdue library')).results.map((h) => h.path), ['memory/books.md']);
  unlinkSync(join(ws, 'memory', 'books.md'));
  assert.deepEqual((await index.search('overdue')).results, []);
  // A folder made after the index was opened is followed too.
  mkdirSync(join(ws, 'memory', 'projects'));
  writeFileSync(join(ws, 'memory', 'projects', 'roof.md'), '# Roof\nThe roofer comes on Tuesday.\n');
  assert.deepEqual((await index.search('roofer')).results.map((h) => h.path), ['memory/projects/roof.md']);
});

test('a sync with nothing changed re-indexes nothing, and a reopened index keeps what it indexed', async (t) => {
  const { ws, open } = setup(t);
  writeFileSync(join(ws, 'MEMORY.md'), 'alpha\n');
  writeFileSync(join(ws, 'memory', 'b.md'), 'beta\n');
  const first = open();
  const report = first.sync();
  assert.deepEqual([report.added, report.updated, report.removed, report.files], [2, 0, 0, 2]);
  const again = first.sync();
  assert.deepEqual([again.added, again.updated, again.removed, again.files], [0, 0, 0, 2]);
  first.close();
  const reopened = open();
  const after = reopened.sync();
  assert.deepEqual([after.scanned, after.added, after.updated, after.removed, after.files], [true, 0, 0, 0, 2]);
  assert.equal((await reopened.search('beta')).results.length, 1);
});

test('FTS5 syntax in the query is searched as words, never an error', async (t) => {
  const { ws, open } = setup(t);
  writeFileSync(join(ws, 'MEMORY.md'), 'foo and bar went to the market\n');
  const index = open();
  for (const q of ['"foo AND (', 'foo*', 'NEAR(foo bar)', 'body:foo', '-foo', '^foo', 'foo OR', '"""']) {
    const r = await index.search(q);
    assert.ok(Array.isArray(r.results), q);
  }
  assert.equal((await index.search('"foo AND (')).results.length, 1);
  const none = await index.search('((( )))');
  assert.deepEqual(none.results, []);
  assert.match(none.hint ?? '', /no words/);
});

test('every word first, then any word: a partial match still answers', async (t) => {
  const { ws, open } = setup(t);
  writeFileSync(join(ws, 'memory', 'a.md'), 'passport renewal appointment\n');
  writeFileSync(join(ws, 'memory', 'b.md'), 'passport photo\n');
  const index = open();
  const r = await index.search('passport renewal');
  assert.deepEqual(r.results.map((h) => h.path), ['memory/a.md', 'memory/b.md']);
  // Porter stemming: the plural finds the singular.
  assert.deepEqual((await index.search('appointments')).results.map((h) => h.path), ['memory/a.md']);
});

test('no notes yet: an empty result with a hint naming where notes go', async (t) => {
  const { ws, open } = setup(t);
  rmSync(ws, { recursive: true });
  const r = await open().search('anything');
  assert.deepEqual(r.results, []);
  assert.match(r.hint ?? '', /MEMORY\.md or memory\/\*\.md/);
});

test('symlinks out of the workspace are not indexed; oversized files are skipped and named', async (t) => {
  const { ws, open } = setup(t);
  const outside = mkdtempSync(join(tmpdir(), 'cg-mem-out-'));
  t.after(() => rmSync(outside, { recursive: true, force: true }));
  writeFileSync(join(outside, 'secret.md'), 'launch codes\n');
  symlinkSync(join(outside, 'secret.md'), join(ws, 'memory', 'secret.md'));
  symlinkSync(outside, join(ws, 'memory', 'linked-dir'));
  writeFileSync(join(ws, 'memory', 'inside.md'), 'launch party on friday\n');
  symlinkSync(join(ws, 'memory', 'inside.md'), join(ws, 'memory', 'alias.md'));
  writeFileSync(join(ws, 'memory', 'huge.md'), `launch ${'x'.repeat(MAX_MEMORY_FILE_BYTES)}`);
  const index = open();
  const r = await index.search('launch');
  assert.deepEqual(r.results.map((h) => h.path).sort(), ['memory/alias.md', 'memory/inside.md']);
  const report = index.sync();
  assert.equal(report.scanned, false, 'nothing changed since the search: no re-check');
  assert.deepEqual(report.skipped, ['memory/huge.md']);
  assert.deepEqual(report.refused, ['memory/linked-dir', 'memory/secret.md']);
  assert.equal(report.files, 3);
});

test('the index file is 0600 in a 0700 folder, and a damaged file is rebuilt from the notes', async (t) => {
  const { ws, dbPath, open } = setup(t);
  writeFileSync(join(ws, 'MEMORY.md'), 'kiwi\n');
  open().close();
  assert.equal(statSync(dbPath).mode & 0o777, 0o600);
  assert.equal(statSync(join(dbPath, '..')).mode & 0o777, 0o700);
  writeFileSync(dbPath, 'this is not a database');
  rmSync(`${dbPath}-wal`, { force: true });
  rmSync(`${dbPath}-shm`, { force: true });
  const rebuilt = open();
  assert.equal((await rebuilt.search('kiwi')).results.length, 1);
});

test('10,000 small notes are indexed and each unique word finds its own note', async (t) => {
  const { ws, open } = setup(t);
  const { queries, unique } = writeSampleNotes(ws, 10_000);
  const index = open();
  const report = index.sync();
  assert.equal(report.files, 10_000);
  assert.equal(report.truncated, false);
  for (const word of [unique[0]!, unique[4_999]!, unique[9_999]!]) {
    const r = await index.search(word);
    assert.deepEqual(r.results.map((h) => h.path), [`memory/note-${word.slice(4)}.md`]);
  }
  const r = await index.search(queries[0]!, 10);
  assert.equal(r.results.length, 10);
});
