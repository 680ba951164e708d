import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { ClawgateError } from '../../protocol/error-catalogue.js';
import { BOOTSTRAP_FILES, BOOTSTRAP_TEMPLATES } from './bootstrap-templates.js';
import { ensureWorkspace } from './ensure-workspace.js';

function base(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'cg-ensure-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const mode = (p: string) => statSync(p).mode & 0o777;

test('first use creates the workspace (0700) with the starter files (0600) and memory/ for daily notes', async (t) => {
  const ws = join(base(t), 'state', 'workspace');
  assert.equal(await ensureWorkspace(ws), true);
  assert.equal(mode(ws), 0o700);
  assert.equal(mode(join(ws, 'memory')), 0o700);
  assert.ok(statSync(join(ws, 'memory')).isDirectory());
  assert.deepEqual(readdirSync(ws).sort(), ['AGENTS.md', 'MEMORY.md', 'SOUL.md', 'USER.md', 'memory']);
  for (const name of BOOTSTRAP_FILES) {
    assert.equal(readFileSync(join(ws, name), 'utf8'), BOOTSTRAP_TEMPLATES[name]);
    assert.equal(mode(join(ws, name)), 0o600, name);
  }
});

test('the starter AGENTS.md tells the agent where notes go', () => {
  assert.match(BOOTSTRAP_TEMPLATES['AGENTS.md'], /MEMORY\.md/);
  assert.match(BOOTSTRAP_TEMPLATES['AGENTS.md'], /memory\/YYYY-MM-DD\.md/);
});

test('later calls change nothing: an edited file stays, a deleted starter is not brought back', async (t) => {
  const ws = join(base(t), 'ws');
  await ensureWorkspace(ws);
  writeFileSync(join(ws, 'MEMORY.md'), 'the owner likes tea\n');
  rmSync(join(ws, 'SOUL.md'));
  assert.equal(await ensureWorkspace(ws), false);
  assert.equal(readFileSync(join(ws, 'MEMORY.md'), 'utf8'), 'the owner likes tea\n');
  assert.equal(existsSync(join(ws, 'SOUL.md')), false);
});

test('a folder that already holds files gets no starter files (a project the owner pointed the agent at)', async (t) => {
  const ws = join(base(t), 'project');
  mkdirSync(ws);
  writeFileSync(join(ws, 'README.md'), 'my project');
  assert.equal(await ensureWorkspace(ws), false);
  assert.deepEqual(readdirSync(ws), ['README.md']);
});

test('an empty folder made ahead of time gets the starter files', async (t) => {
  const ws = join(base(t), 'empty');
  mkdirSync(ws, { mode: 0o755 });
  assert.equal(await ensureWorkspace(ws), true);
  assert.deepEqual(readdirSync(ws).sort(), ['AGENTS.md', 'MEMORY.md', 'SOUL.md', 'USER.md', 'memory']);
  assert.equal(mode(ws), 0o755, "the owner's folder keeps its mode");
});

test('a workspace removed while the gateway runs is created again on the next call', async (t) => {
  const ws = join(base(t), 'ws');
  await ensureWorkspace(ws);
  rmSync(ws, { recursive: true });
  assert.equal(await ensureWorkspace(ws), true);
  assert.equal(readFileSync(join(ws, 'AGENTS.md'), 'utf8'), BOOTSTRAP_TEMPLATES['AGENTS.md']);
});

test('two runs creating the same workspace at once both succeed, and each file is written once', async (t) => {
  const ws = join(base(t), 'ws');
  const results = await Promise.all([ensureWorkspace(ws), ensureWorkspace(ws)]);
  assert.ok(results.includes(true));
  for (const name of BOOTSTRAP_FILES) assert.equal(readFileSync(join(ws, name), 'utf8'), BOOTSTRAP_TEMPLATES[name]);
});

test('a file where the workspace should be is FILE_REFUSED, naming the path and the setting', async (t) => {
  const ws = join(base(t), 'file');
  writeFileSync(ws, 'x');
  await assert.rejects(ensureWorkspace(ws), (err: unknown) => err instanceof ClawgateError && err.code === 'FILE_REFUSED' && err.message.includes(ws) && /agents\.list\[\]\.workspace/.test(err.message));
});
