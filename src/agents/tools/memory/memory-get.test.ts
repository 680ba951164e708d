import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolBench } from '../../../../test/helpers/tool-call.js';

function notes(ws: string): void {
  mkdirSync(join(ws, 'memory'), { recursive: true });
  writeFileSync(join(ws, 'MEMORY.md'), Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n') + '\n');
  writeFileSync(join(ws, 'memory', 'trip.md'), '# Trip\nLisbon\n');
  writeFileSync(join(ws, 'secrets.md'), 'not a note\n');
}

test('memory_get reads a range of lines of a note, and says what remains', async (t) => {
  const b = toolBench(t);
  notes(b.agent.workspace);
  const r = await b.call('memory_get', { path: 'MEMORY.md', from: 3, lines: 2 });
  assert.equal(r.isError, false);
  assert.deepEqual(r.result, { path: 'MEMORY.md', from: 3, to: 4, totalLines: 10, text: 'line 3\nline 4', more: 'lines 5-10 remain (from: 5)' });
  const all = (await b.call('memory_get', { path: 'memory/trip.md' })).result as Record<string, unknown>;
  assert.deepEqual([all['text'], all['to'], all['more']], ['# Trip\nLisbon', 2, undefined]);
  const abs = (await b.call('memory_get', { path: join(b.agent.workspace, 'memory', 'trip.md') })).result as Record<string, unknown>;
  assert.equal(abs['path'], 'memory/trip.md', 'an absolute path inside the workspace works too');
  const past = (await b.call('memory_get', { path: 'MEMORY.md', from: 50 })).result as Record<string, unknown>;
  assert.deepEqual([past['text'], past['hint']], ['', 'MEMORY.md has 10 lines']);
});

test('memory_get of a note that does not exist yet says where notes go', async (t) => {
  const b = toolBench(t);
  const r = await b.call('memory_get', { path: 'memory/none.md' });
  assert.equal(r.isError, false);
  assert.match(String((r.result as Record<string, unknown>)['hint']), /no note memory\/none\.md yet; notes go in MEMORY\.md or memory\/\*\.md/);
});

test('memory_get refuses every path that is not a memory note of this workspace', async (t) => {
  const b = toolBench(t);
  const ws = b.agent.workspace;
  notes(ws);
  const outside = mkdtempSync(join(tmpdir(), 'cg-out-'));
  t.after(() => rmSync(outside, { recursive: true, force: true }));
  writeFileSync(join(outside, 'x.md'), 'outside\n');
  symlinkSync(join(outside, 'x.md'), join(ws, 'memory', 'out.md'));
  symlinkSync(join(ws, 'secrets.md'), join(ws, 'memory', 'sneaky.md'));
  symlinkSync(outside, join(ws, 'memory', 'dir'));
  const refusals: Array<[string, RegExp]> = [
    ['secrets.md', /only MEMORY\.md and memory\/\*\*\/\*\.md are memory/],
    ['memory/../secrets.md', /only MEMORY\.md/],
    ['../MEMORY.md', /only MEMORY\.md/],
    ['memory/notes.txt', /only MEMORY\.md/],
    ['/etc/passwd', /outside the workspace/],
    [join(outside, 'x.md'), /outside the workspace/],
    ['memory\\..\\secrets.md', /backslash/],
    ['memory/out.md', /symlink to a file outside the workspace/],
    ['memory/dir/x.md', /symlink to a file outside the workspace/],
    ['memory/sneaky.md', /symlink to secrets\.md, which is not a memory note/],
  ];
  for (const [path, why] of refusals) {
    const r = await b.call('memory_get', { path });
    assert.equal(r.isError, true, path);
    assert.match(String((r.result as Record<string, unknown>)['error']), why, path);
    assert.doesNotMatch(r.text, /outside\n|not a note/, `${path}: no content leaks`);
  }
});
