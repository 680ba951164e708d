import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { BOOTSTRAP_TEMPLATES } from './bootstrap-templates.js';
import { ensureWorkspace } from './ensure-workspace.js';
import { BOOTSTRAP_FILE_MAX_CHARS, BOOTSTRAP_TOTAL_MAX_CHARS } from './limits.js';
import { loadBootstrap } from './load-bootstrap.js';

function ws(t: TestContext): string {
  const base = mkdtempSync(join(tmpdir(), 'cg-bootstrap-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const dir = join(base, 'ws');
  mkdirSync(dir);
  return dir;
}

/** Numbered lines ("line 1", "line 2", ...) of about `chars` characters. */
function lines(chars: number): string {
  const out: string[] = [];
  let n = 0;
  for (let len = 0; len < chars; ) {
    const line = `line ${++n} ${'x'.repeat(40)}`;
    out.push(line);
    len += line.length + 1;
  }
  return `${out.join('\n')}\n`;
}

test('a new workspace: the four files, in order, under one heading', async (t) => {
  const dir = ws(t);
  await ensureWorkspace(dir);
  const section = (await loadBootstrap(dir))!;
  assert.match(section, /^# Workspace files\n/);
  const at = ['## AGENTS.md', '## SOUL.md', '## USER.md', '## MEMORY.md'].map((h) => section.indexOf(h));
  assert.ok(at.every((i) => i > 0), 'every file has its heading');
  assert.deepEqual([...at].sort((a, b) => a - b), at, 'in order');
  for (const text of Object.values(BOOTSTRAP_TEMPLATES)) assert.ok(section.includes(text.trimEnd()));
  assert.doesNotMatch(section, /truncated/);
});

test('missing and empty files are skipped; nothing at all gives no section', async (t) => {
  const dir = ws(t);
  assert.equal(await loadBootstrap(dir), undefined);
  writeFileSync(join(dir, 'USER.md'), '  \n\n');
  writeFileSync(join(dir, 'MEMORY.md'), 'owner: Ada\n');
  const section = (await loadBootstrap(dir))!;
  assert.match(section, /## MEMORY\.md\n\nowner: Ada$/);
  assert.doesNotMatch(section, /AGENTS\.md|SOUL\.md|USER\.md/);
});

test('a missing workspace gives no section', async (t) => {
  assert.equal(await loadBootstrap(join(ws(t), 'nope')), undefined);
});

test('a file over the per-file cap is cut at a line end, with a marker naming the line to read on from', async (t) => {
  const dir = ws(t);
  writeFileSync(join(dir, 'MEMORY.md'), lines(BOOTSTRAP_FILE_MAX_CHARS * 2));
  const section = (await loadBootstrap(dir))!;
  const body = section.slice(section.indexOf('## MEMORY.md\n\n') + 14);
  const marker = /\n\[truncated: MEMORY\.md is (\d+) bytes and only its first (\d+) characters are shown here; read the rest with read \(path "MEMORY\.md", offset (\d+)\)\]$/.exec(body);
  assert.ok(marker, body.slice(-300));
  const shown = body.slice(0, marker.index);
  assert.ok(shown.length <= BOOTSTRAP_FILE_MAX_CHARS);
  assert.ok(shown.length > BOOTSTRAP_FILE_MAX_CHARS / 2);
  const lastShown = Number(/line (\d+) x+$/.exec(shown)![1]);
  assert.equal(Number(marker[3]), lastShown + 1, 'the offset is the first line not shown');
  assert.equal(Number(marker[2]), shown.length + 1, 'the count includes the last newline');
});

test('all files together stay within the total budget; later ones are cut or only named', async (t) => {
  const dir = ws(t);
  for (const name of ['AGENTS.md', 'SOUL.md', 'USER.md', 'MEMORY.md']) writeFileSync(join(dir, name), lines(BOOTSTRAP_FILE_MAX_CHARS - 100));
  const section = (await loadBootstrap(dir))!;
  assert.ok(section.length <= BOOTSTRAP_TOTAL_MAX_CHARS + 1000, `section is ${section.length} characters`);
  assert.match(section, /## AGENTS\.md/);
  assert.match(section, /\[truncated: (USER|MEMORY)\.md/);
  assert.match(section, /## MEMORY\.md\n\n\[not loaded: the size budget for these files is used up; read it with read \(path "MEMORY\.md"\)\]/);
});

test('a bootstrap file that is a symlink out of the workspace is not loaded, and says why', async (t) => {
  const dir = ws(t);
  writeFileSync(join(dir, '..', 'secret.txt'), 'TOP SECRET');
  symlinkSync('../secret.txt', join(dir, 'SOUL.md'));
  const section = (await loadBootstrap(dir))!;
  assert.match(section, /## SOUL\.md\n\n\[not loaded: it is a symlink that leads outside the workspace\]/);
  assert.doesNotMatch(section, /TOP SECRET/);
});

test('a symlink to a file inside the workspace is loaded', async (t) => {
  const dir = ws(t);
  writeFileSync(join(dir, 'notes.md'), 'linked notes');
  symlinkSync('notes.md', join(dir, 'MEMORY.md'));
  assert.match((await loadBootstrap(dir))!, /## MEMORY\.md\n\nlinked notes$/);
});

test('binary files, directories and FIFOs are named as not loaded (a FIFO does not block the run)', async (t) => {
  const dir = ws(t);
  writeFileSync(join(dir, 'AGENTS.md'), Buffer.from([0x41, 0x00, 0x42]));
  mkdirSync(join(dir, 'SOUL.md'));
  execFileSync('mkfifo', [join(dir, 'USER.md')]);
  const section = (await loadBootstrap(dir))!;
  assert.match(section, /## AGENTS\.md\n\n\[not loaded: it is binary\]/);
  assert.match(section, /## SOUL\.md\n\n\[not loaded: it is not a regular file\]/);
  assert.match(section, /## USER\.md\n\n\[not loaded: it is not a regular file\]/);
});

test('every run sees the files as they are now: an edit of the same length, a new file, a removed one', async (t) => {
  const dir = ws(t);
  writeFileSync(join(dir, 'MEMORY.md'), 'the boiler is serviced in March\n');
  assert.match((await loadBootstrap(dir))!, /serviced in March/);
  writeFileSync(join(dir, 'MEMORY.md'), 'the boiler is serviced in April\n');
  assert.match((await loadBootstrap(dir))!, /serviced in April/);
  writeFileSync(join(dir, 'USER.md'), 'Sam, likes short answers\n');
  assert.match((await loadBootstrap(dir))!, /likes short answers/);
  rmSync(join(dir, 'USER.md'));
  assert.doesNotMatch((await loadBootstrap(dir))!, /likes short answers/);
});

test('a bootstrap file that is a symlink inside the workspace is read again each run (its target may change)', async (t) => {
  const dir = ws(t);
  writeFileSync(join(dir, 'notes.md'), 'first\n');
  symlinkSync('notes.md', join(dir, 'MEMORY.md'));
  assert.match((await loadBootstrap(dir))!, /first/);
  writeFileSync(join(dir, 'notes.md'), 'second\n');
  assert.match((await loadBootstrap(dir))!, /second/);
});

test('an unchanged workspace reads the same run after run, and an edit to a settled file is still seen', async (t) => {
  const dir = ws(t);
  writeFileSync(join(dir, 'MEMORY.md'), 'settled text\n');
  const old = new Date(Date.now() - 60_000);
  utimesSync(join(dir, 'MEMORY.md'), old, old);
  assert.match((await loadBootstrap(dir))!, /settled text/);
  assert.match((await loadBootstrap(dir))!, /settled text/);
  writeFileSync(join(dir, 'MEMORY.md'), 'edited text\n');
  assert.match((await loadBootstrap(dir))!, /edited text/);
});
