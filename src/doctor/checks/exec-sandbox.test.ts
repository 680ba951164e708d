import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statePathsOf, type StatePaths } from '../../config/paths.js';
import { DoctorContext } from '../context.js';
import type { CheckOutcome } from '../types.js';
import { execSandbox } from './exec-sandbox.js';

function paths(t: { after(fn: () => void): void }, config?: (stateDir: string) => string): StatePaths {
  const dir = mkdtempSync(join(tmpdir(), 'cg-doctor-exec-'));
  chmodSync(dir, 0o700);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const p = statePathsOf(dir);
  if (config) writeFileSync(p.configPath, config(dir), { mode: 0o600 });
  return p;
}

const run = async (p: StatePaths, env: NodeJS.ProcessEnv = { PATH: process.env.PATH }) => (await execSandbox.run(new DoctorContext({ paths: p, env }))) as CheckOutcome;
const ids = (o: CheckOutcome) => o.findings.map((f) => `${f.id}:${f.severity}`);

test('exec-sandbox: by default (auto, bubblewrap installed as here) it names bubblewrap as the mode in force', async (t) => {
  const o = await run(paths(t));
  assert.deepEqual(ids(o), ['exec-sandbox-bubblewrap:info']);
  assert.equal(o.summary, 'tools.exec.sandbox auto: commands run under bubblewrap (no network)');
  assert.match(o.findings[0]!.message, /only the workspace is writable, no network/);
});

test('exec-sandbox: off is reported as the host, with the way back', async (t) => {
  const o = await run(paths(t, () => '{ tools: { exec: { sandbox: "off", network: true } } }'));
  assert.deepEqual(ids(o), ['exec-sandbox-off:info']);
  assert.match(o.summary, /commands run on the host/);
  assert.match(o.findings[0]!.fix ?? '', /tools\.exec\.sandbox auto/);
});

test('exec-sandbox: auto without bwrap warns with apt install bubblewrap; bubblewrap without it is an error', async (t) => {
  const noBwrap = { PATH: mkdtempSync(join(tmpdir(), 'cg-nobwrap-')) };
  t.after(() => rmSync(noBwrap.PATH, { recursive: true, force: true }));
  const auto = await run(paths(t), noBwrap);
  assert.deepEqual(ids(auto), ['exec-sandbox-missing:warn']);
  assert.match(auto.findings[0]!.message, /not installed/);
  assert.match(auto.findings[0]!.fix ?? '', /apt install bubblewrap/);
  assert.match(auto.findings[0]!.fix ?? '', /tools\.exec\.sandbox off/);
  const required = await run(paths(t, () => '{ tools: { exec: { sandbox: "bubblewrap" } } }'), noBwrap);
  assert.deepEqual(ids(required), ['exec-sandbox-unavailable:error']);
  assert.match(required.findings[0]!.message, /exec refuses every command/);
});

test('exec-sandbox: a workspace that is the state dir is an error, since binding it would show the state', async (t) => {
  const o = await run(paths(t, (dir) => JSON.stringify({ agents: { defaults: { workspace: dir } } })));
  assert.deepEqual(ids(o), ['exec-sandbox-bubblewrap:info', 'exec-workspace-unsafe:error']);
  assert.match(o.findings[1]!.message, /agent main: the agent's workspace .* contains/);
});
