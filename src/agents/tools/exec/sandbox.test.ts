import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { processesWith, tempDir, until } from '../../../../test/helpers/exec-processes.js';
import { launchFor } from './launch.js';
import { ProcessRegistry } from './process-registry.js';
import { describeSandbox, sandboxMode, type SandboxMode } from './sandbox.js';

/**
 * These tests need a working bubblewrap (CI installs Debian's): when it is missing or cannot create
 * namespaces they fail with the probe's reason. They never skip.
 */
async function bubblewrap(): Promise<SandboxMode> {
  const mode = await sandboxMode({ sandbox: 'bubblewrap' });
  assert.equal(mode.mode, 'bubblewrap');
  return mode;
}

/** A state dir holding the workspace (as by default) and a home, each with a secret the sandbox must not show. */
function layout(t: TestContext) {
  const root = tempDir(t, 'cg-sandbox-');
  const state = join(root, 'state');
  const home = join(root, 'home');
  const workspace = join(state, 'workspace');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(home);
  writeFileSync(join(state, 'clawgate.json'), '{ gateway: { auth: { token: "state-dir-secret-5d1e" } } }');
  writeFileSync(join(home, '.netrc'), 'machine example.com password home-secret-8b2c');
  return { root, state, home, workspace };
}

async function runIn(t: TestContext, mode: SandboxMode, dirs: { workspace: string; state: string; home: string }, command: string, opts: { network?: boolean; timeoutMs?: number } = {}) {
  const r = new ProcessRegistry({ hidden: [dirs.state, dirs.home] });
  t.after(() => r.closeAll());
  const launch = launchFor(mode, { command, workspace: dirs.workspace, workdir: dirs.workspace, hidden: r.hidden, network: opts.network ?? false });
  const p = await r.start({ sessionKey: 's', runId: 'r', command, launch, background: false, keepStdin: false, timeoutMs: opts.timeoutMs ?? 30_000, maxOutputBytes: 64 * 1024 });
  await p.ended;
  return { ...p.info(), output: p.output().text };
}

test('sandbox auto runs commands under bubblewrap when it works (as here); off runs them on the host', async () => {
  const auto = await sandboxMode({ sandbox: 'auto' });
  assert.equal(auto.mode, 'bubblewrap', auto.reason);
  assert.equal((await sandboxMode({ sandbox: 'off' })).mode, 'host');
  assert.deepEqual(await describeSandbox({ sandbox: 'auto' }), { setting: 'auto', mode: 'bubblewrap', reason: auto.reason });
  assert.equal((await describeSandbox({ sandbox: 'off' })).mode, 'host');
});

test('without bwrap on PATH: auto falls back to the host and says why; bubblewrap refuses, naming the Debian package', async (t) => {
  const empty = tempDir(t);
  const auto = await sandboxMode({ sandbox: 'auto' }, empty);
  assert.equal(auto.mode, 'host');
  assert.match(auto.reason, /bubblewrap \(bwrap\) is not installed/);
  await assert.rejects(sandboxMode({ sandbox: 'bubblewrap' }, empty), (e: unknown) => e instanceof ClawgateError && e.code === 'EXEC_SANDBOX_UNAVAILABLE' && e.message.includes('apt install bubblewrap'));
  const report = await describeSandbox({ sandbox: 'bubblewrap' }, empty);
  assert.equal(report.mode, 'unavailable');
  assert.match(report.fix ?? '', /apt install bubblewrap/);
  assert.equal((await describeSandbox({ sandbox: 'auto' }, empty)).mode, 'host');
});

test('a bwrap that cannot create namespaces counts as unusable, with its own words as the reason', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'bwrap'), '#!/bin/sh\necho "bwrap: No permissions to create new namespace" >&2\nexit 1\n');
  chmodSync(join(dir, 'bwrap'), 0o755);
  const auto = await sandboxMode({ sandbox: 'auto' }, dir);
  assert.equal(auto.mode, 'host');
  assert.match(auto.reason, /cannot create the sandbox's namespaces: bwrap: No permissions to create new namespace/);
  const report = await describeSandbox({ sandbox: 'bubblewrap' }, dir);
  assert.equal(report.mode, 'unavailable');
  assert.match(report.fix ?? '', /user namespaces/);
});

test('escape: the state dir, the home directory and /etc secrets are not visible inside', async (t) => {
  const mode = await bubblewrap();
  const d = layout(t);
  const res = await runIn(t, mode, d, [
    `cat ${d.state}/clawgate.json; echo "state-rc=$?"`,
    `echo "state-ls=$(ls -A ${d.state} | tr '\\n' ' ')"`,
    `cat ${d.home}/.netrc; echo "home-rc=$?"`,
    `echo "realhome-ls=$(ls -A ${homedir()} 2>/dev/null | tr '\\n' ' ')"`,
    'cat /etc/shadow; echo "shadow-rc=$?"',
    'echo "ssh=$(ls /etc/ssh 2>/dev/null | wc -l)"',
  ].join('\n'));
  assert.ok(!res.output.includes('state-dir-secret-5d1e'), res.output);
  assert.ok(!res.output.includes('home-secret-8b2c'), res.output);
  assert.match(res.output, /state-rc=[1-9]/);
  assert.match(res.output, /^state-ls=workspace $/m);
  assert.match(res.output, /home-rc=[1-9]/);
  assert.match(res.output, /^realhome-ls=$/m);
  assert.match(res.output, /shadow-rc=[1-9]/);
  assert.match(res.output, /^ssh=0$/m);
});

test('escape: writes land only in the workspace; /usr and /etc are read-only, /tmp is the sandbox\'s own', async (t) => {
  const mode = await bubblewrap();
  const d = layout(t);
  const tmpName = `cg-escape-${process.pid}-${Date.now()}`;
  const res = await runIn(t, mode, d, [
    'echo x > /usr/cg-escape; echo "usr-rc=$?"',
    'echo x > /etc/cg-escape; echo "etc-rc=$?"',
    `echo x > ${d.state}/evil.json; echo "state-rc=$?"`,
    `echo inside > /tmp/${tmpName}; echo "tmp=$(cat /tmp/${tmpName})"`,
    `echo made > ${d.workspace}/made-inside; echo "ws-rc=$?"`,
  ].join('\n'));
  assert.match(res.output, /usr-rc=[1-9]/);
  assert.match(res.output, /etc-rc=[1-9]/);
  assert.match(res.output, /^tmp=inside$/m);
  assert.match(res.output, /ws-rc=0/);
  assert.equal(existsSync('/usr/cg-escape') || existsSync('/etc/cg-escape'), false);
  assert.equal(existsSync(join('/tmp', tmpName)), false);
  // The test's state dir lies under /tmp, so inside its path is on the sandbox's own /tmp: the host's is untouched.
  assert.deepEqual(readdirSync(d.state).sort(), ['clawgate.json', 'workspace']);
  assert.equal(readFileSync(join(d.workspace, 'made-inside'), 'utf8'), 'made\n');
});

test('escape: a server on the host\'s loopback is unreachable with the network off, reachable with tools.exec.network', async (t) => {
  const mode = await bubblewrap();
  const d = layout(t);
  const server = createServer((_req, res) => res.end('host-server-body-41c7'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as AddressInfo).port;
  // perl-base is essential on Debian, so it is in every sandbox's /usr.
  const get = `perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:${port}", Timeout => 5) or do { print "connect-failed: $!\\n"; exit 3 }; print $s "GET / HTTP/1.0\\r\\n\\r\\n"; print while <$s>'`;
  const off = await runIn(t, mode, d, get);
  assert.ok(!off.output.includes('host-server-body-41c7'), off.output);
  assert.match(off.output, /connect-failed/);
  assert.equal(off.exitCode, 3);
  const on = await runIn(t, mode, d, get, { network: true });
  assert.match(on.output, /host-server-body-41c7/);
});

test('escape: inside, even as root, a command holds no capabilities and sees only its own processes', async (t) => {
  const mode = await bubblewrap();
  const d = layout(t);
  const res = await runIn(t, mode, d, 'grep CapEff /proc/self/status; echo "procs=$(ls /proc | grep -c "^[0-9]")"');
  assert.match(res.output, /CapEff:\s+0000000000000000/);
  const procs = Number(/procs=(\d+)/.exec(res.output)?.[1]);
  assert.ok(procs > 0 && procs < 10, res.output);
});

test('the sandbox\'s environment is the minimal one: none of the gateway\'s secrets', async (t) => {
  const mode = await bubblewrap();
  const d = layout(t);
  const saved = process.env.CLAWGATE_GATEWAY_TOKEN;
  process.env.CLAWGATE_GATEWAY_TOKEN = 'cg-test-gateway-token-sbx-9e0d';
  t.after(() => (saved === undefined ? delete process.env.CLAWGATE_GATEWAY_TOKEN : (process.env.CLAWGATE_GATEWAY_TOKEN = saved)));
  const res = await runIn(t, mode, d, 'env');
  assert.ok(!res.output.includes('cg-test-gateway-token-sbx-9e0d'));
  const names = res.output.trim().split('\n').map((l) => l.split('=')[0]!).filter((n) => !['PWD', 'OLDPWD', 'SHLVL', '_'].includes(n));
  assert.deepEqual(names.sort(), ['HOME', 'LANG', 'PATH', 'TERM']);
  assert.match(res.output, new RegExp(`^HOME=${d.workspace}$`, 'm'));
});

test('a sandboxed command\'s timeout takes everything it started', async (t) => {
  const mode = await bubblewrap();
  const d = layout(t);
  const res = await runIn(t, mode, d, 'sleep 987.51 & sleep 987.52; wait', { timeoutMs: 300 });
  assert.equal(res.status, 'timeout');
  assert.deepEqual(processesWith('sleep 987.5'), []);
});

test('a workspace that holds the state dir is refused before anything runs', async (t) => {
  const mode = await bubblewrap();
  const d = layout(t);
  assert.throws(
    () => launchFor(mode, { command: 'true', workspace: d.state, workdir: d.state, hidden: [d.state, d.home], network: false }),
    (e: unknown) => e instanceof ClawgateError && e.code === 'EXEC_WORKSPACE_UNSAFE',
  );
});

test('a sandbox stopped the moment it started leaves nothing behind (its init is signalled, not only bwrap)', async (t) => {
  const mode = await bubblewrap();
  const d = layout(t);
  const r = new ProcessRegistry({ hidden: [d.state, d.home] });
  t.after(() => r.closeAll());
  for (let i = 0; i < 10; i++) {
    const launch = launchFor(mode, { command: 'sleep 987.53', workspace: d.workspace, workdir: d.workspace, hidden: r.hidden, network: false });
    const p = await r.start({ sessionKey: 's', runId: 'r', command: 'sleep 987.53', launch, background: true, keepStdin: true, timeoutMs: 30_000, maxOutputBytes: 1024 });
    await p.stop('killed');
  }
  await until(() => processesWith('sleep 987.53').length === 0, 'every sandbox to be gone', 5_000);
});

test('stopping a sandboxed command sends it SIGTERM first, so it can clean up', async (t) => {
  const mode = await bubblewrap();
  const d = layout(t);
  const r = new ProcessRegistry({ hidden: [d.state, d.home] });
  t.after(() => r.closeAll());
  const command = `trap 'echo got-term; exit 7' TERM; echo ready; sleep 987.54 & wait`;
  const launch = launchFor(mode, { command, workspace: d.workspace, workdir: d.workspace, hidden: r.hidden, network: false });
  const p = await r.start({ sessionKey: 's', runId: 'r', command, launch, background: true, keepStdin: true, timeoutMs: 30_000, maxOutputBytes: 1024 });
  await until(() => p.output().text.includes('ready'), 'the trap to be set');
  await p.stop('killed');
  assert.match(p.output().text, /got-term/);
  assert.equal(p.info().status, 'killed');
  await until(() => processesWith('sleep 987.54').length === 0, 'the sleep to go with the namespace', 5_000);
});
