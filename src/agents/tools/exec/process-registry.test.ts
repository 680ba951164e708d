import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { alive, processesWith, tempDir, until } from '../../../../test/helpers/exec-processes.js';
import { launchFor } from './launch.js';
import { MAX_PROCESSES_PER_SESSION } from './limits.js';
import { ProcessRegistry, type StartRequest } from './process-registry.js';

function registry(t: TestContext): ProcessRegistry {
  const r = new ProcessRegistry({ hidden: [] });
  t.after(() => r.closeAll());
  return r;
}

/** Start a command on the host in a fresh workspace. */
function start(t: TestContext, r: ProcessRegistry, command: string, over: Partial<Omit<StartRequest, 'launch' | 'command'>> = {}) {
  const ws = tempDir(t);
  const launch = launchFor({ mode: 'host', reason: 'test' }, { command, workspace: ws, workdir: ws, hidden: [], network: false });
  return r.start({ sessionKey: 's1', runId: 'r1', command, launch, background: false, keepStdin: false, timeoutMs: 60_000, maxOutputBytes: 64 * 1024, ...over });
}

const code = (c: string) => (e: unknown) => e instanceof ClawgateError && e.code === c;

test('a command runs in its workspace; stdout and stderr come back together with the exit code', async (t) => {
  const r = registry(t);
  const p = await start(t, r, 'echo out; echo err >&2; pwd; exit 3');
  await p.ended;
  const info = p.info();
  assert.equal(info.status, 'exited');
  assert.equal(info.exitCode, 3);
  assert.equal(info.signal, null);
  const text = p.output().text;
  assert.match(text, /out\n/);
  assert.match(text, /err\n/);
  assert.ok(text.includes(p.cwd), 'runs in the workspace');
});

test('output beyond maxOutputBytes keeps its head and tail and counts what was dropped', async (t) => {
  const r = registry(t);
  const p = await start(t, r, 'seq 1 100000', { maxOutputBytes: 1000 });
  await p.ended;
  const out = p.output();
  assert.ok(out.text.startsWith('1\n2\n3\n'));
  assert.ok(out.text.endsWith('99999\n100000\n'));
  assert.ok(out.droppedBytes > 500_000);
  assert.equal(out.totalBytes, out.droppedBytes + 1000);
  assert.match(out.text, /bytes of output dropped/);
});

test('the timeout stops the whole tree: a grandchild the command started dies too', async (t) => {
  const r = registry(t);
  const p = await start(t, r, "sh -c 'sleep 987.31 & echo $!; wait'", { timeoutMs: 300 });
  await until(() => /^\d+\n/.test(p.output().text), 'the grandchild pid');
  const grandchild = Number(p.output().text.trim());
  assert.ok(alive(grandchild));
  await p.ended;
  assert.equal(p.info().status, 'timeout');
  await until(() => !alive(grandchild), 'the grandchild to die');
  assert.deepEqual(processesWith('sleep 987.31'), []);
});

test('a tree that ignores SIGTERM is killed with SIGKILL after the grace', async (t) => {
  const r = registry(t);
  const p = await start(t, r, "trap '' TERM; sleep 987.32 & wait", { timeoutMs: 200 });
  await p.ended;
  assert.equal(p.info().status, 'timeout');
  assert.equal(p.info().signal, 'SIGKILL');
  await until(() => processesWith('sleep 987.32').length === 0, 'the sleep to die');
});

test('what a finished command left running in its group is killed with it', async (t) => {
  const r = registry(t);
  const p = await start(t, r, 'sleep 987.33 & echo started');
  await p.ended;
  assert.equal(p.info().exitCode, 0);
  await until(() => processesWith('sleep 987.33').length === 0, 'the leftover sleep to die');
});

test('stdin: a background cat echoes what is written, poll returns only new output, eof ends it', async (t) => {
  const r = registry(t);
  const p = await start(t, r, 'cat', { background: true, keepStdin: true });
  assert.equal(p.write('hello\n'), 6);
  await until(() => p.output().text === 'hello\n', 'cat to echo');
  assert.equal(p.poll().text, 'hello\n');
  assert.equal(p.poll().text, '');
  p.write('again\n');
  await until(() => p.output().text.endsWith('again\n'), 'the second line');
  assert.equal(p.poll().text, 'again\n');
  p.write('', true);
  await p.ended;
  assert.equal(p.info().status, 'exited');
  assert.equal(p.info().exitCode, 0);
  assert.throws(() => p.write('late'), code('INVALID_PARAMS'));
});

test('a foreground command reads end-of-file at once and cannot be written to', async (t) => {
  const r = registry(t);
  const p = await start(t, r, 'cat; echo done');
  await p.ended;
  assert.equal(p.output().text, 'done\n');
});

test('stop kills a running process and says it was killed', async (t) => {
  const r = registry(t);
  const p = await start(t, r, 'sleep 987.34', { background: true });
  await p.stop('killed');
  assert.equal(p.info().status, 'killed');
  assert.equal(p.info().signal, 'SIGTERM');
  assert.deepEqual(processesWith('sleep 987.34'), []);
});

test('killSession kills and forgets one session\'s processes, and only those', async (t) => {
  const r = registry(t);
  const mine = await start(t, r, 'sleep 987.35', { background: true });
  const other = await start(t, r, 'sleep 987.36', { sessionKey: 's2', background: true });
  assert.equal(await r.killSession('s1'), 1);
  assert.equal(mine.status, 'killed');
  assert.throws(() => r.get('s1', mine.id), code('UNKNOWN_PROCESS'));
  assert.equal(other.status, 'running');
  assert.deepEqual(processesWith('sleep 987.35'), []);
  assert.ok(processesWith('sleep 987.36').length > 0);
});

test('killRun kills the run\'s foreground processes; its background ones and other runs\' live on', async (t) => {
  const r = registry(t);
  const fg = await start(t, r, 'sleep 987.37');
  const bg = await start(t, r, 'sleep 987.38', { background: true });
  const otherRun = await start(t, r, 'sleep 987.39', { runId: 'r2' });
  assert.equal(await r.killRun('r1'), 1);
  assert.equal(fg.status, 'killed');
  assert.equal(bg.status, 'running');
  assert.equal(otherRun.status, 'running');
});

test('closeAll kills every process and refuses new ones', async (t) => {
  const r = registry(t);
  const a = await start(t, r, 'sleep 987.40', { background: true });
  const b = await start(t, r, 'sleep 987.41', { sessionKey: 's2' });
  assert.equal(await r.closeAll(), 2);
  assert.equal(a.status, 'killed');
  assert.equal(b.status, 'killed');
  assert.deepEqual([...processesWith('sleep 987.40'), ...processesWith('sleep 987.41')], []);
  await assert.rejects(start(t, r, 'true'), code('AGENTS_STOPPING'));
});

test('a session runs at most MAX_PROCESSES_PER_SESSION processes at once; other sessions are not blocked', async (t) => {
  const r = registry(t);
  for (let i = 0; i < MAX_PROCESSES_PER_SESSION; i++) await start(t, r, 'sleep 987.42', { background: true });
  await assert.rejects(start(t, r, 'sleep 987.42', { background: true }), (e: unknown) => code('EXEC_PROCESS_LIMIT')(e) && /process kill/.test((e as Error).message));
  assert.throws(() => r.assertCapacity('s1'), code('EXEC_PROCESS_LIMIT'));
  const other = await start(t, r, 'true', { sessionKey: 's2' });
  await other.ended;
  assert.equal(r.runningCount(), MAX_PROCESSES_PER_SESSION);
});

test('a command that cannot start is an error, and nothing is left registered', async (t) => {
  const r = registry(t);
  const launch = { ...launchFor({ mode: 'host', reason: 'test' }, { command: 'true', workspace: '/', workdir: '/', hidden: [], network: false }), cwd: '/nonexistent-cg-dir' };
  await assert.rejects(r.start({ sessionKey: 's1', runId: 'r1', command: 'true', launch, background: false, keepStdin: false, timeoutMs: 1000, maxOutputBytes: 100 }), code('INTERNAL'));
  assert.deepEqual(r.list('s1'), []);
});

test('a session sees only its own processes', async (t) => {
  const r = registry(t);
  const p = await start(t, r, 'true');
  await p.ended;
  assert.equal(r.get('s1', p.id), p);
  assert.throws(() => r.get('s2', p.id), code('UNKNOWN_PROCESS'));
  assert.deepEqual(r.list('s2'), []);
  assert.deepEqual(r.list('s1').map((x) => x.id), [p.id]);
});

test('on the host too a command gets a clean environment: none of the gateway\'s secrets', async (t) => {
  const saved = { token: process.env.CLAWGATE_GATEWAY_TOKEN, key: process.env.OPENAI_API_KEY };
  process.env.CLAWGATE_GATEWAY_TOKEN = 'cg-test-gateway-token-3f9a';
  process.env.OPENAI_API_KEY = 'sk-test-provider-key-77c1';
  t.after(() => {
    for (const [name, value] of [['CLAWGATE_GATEWAY_TOKEN', saved.token], ['OPENAI_API_KEY', saved.key]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  const r = registry(t);
  const p = await start(t, r, 'env');
  await p.ended;
  const text = p.output().text;
  assert.ok(!text.includes('cg-test-gateway-token-3f9a') && !text.includes('sk-test-provider-key-77c1'));
  const names = text.trim().split('\n').map((l) => l.split('=')[0]).sort();
  // sh itself adds PWD (and, depending on the shell, OLDPWD/SHLVL/_).
  assert.deepEqual(names.filter((n) => !['PWD', 'OLDPWD', 'SHLVL', '_'].includes(n!)), ['HOME', 'LANG', 'PATH', 'TERM']);
  assert.match(text, new RegExp(`^HOME=${p.cwd}$`, 'm'));
  assert.match(text, /^TERM=dumb$/m);
});
