import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { assertWorkspaceBindable, bwrapArgs, SANDBOX_ETC, type BwrapPlan, type HostLayout } from './bwrap-args.js';

const merged: HostLayout = { '/bin': { kind: 'symlink', target: 'usr/bin' }, '/sbin': { kind: 'symlink', target: 'usr/sbin' }, '/lib': { kind: 'symlink', target: 'usr/lib' }, '/lib64': { kind: 'symlink', target: 'usr/lib64' } };
const plan = (over: Partial<BwrapPlan> = {}): BwrapPlan => ({
  workspace: '/home/ann/.clawgate/workspace',
  workdir: '/home/ann/.clawgate/workspace/src',
  hidden: ['/home/ann/.clawgate', '/home/ann'],
  network: false,
  layout: merged,
  env: { PATH: '/usr/bin:/bin', HOME: '/home/ann/.clawgate/workspace', LANG: 'C.UTF-8', TERM: 'dumb' },
  command: 'make test',
  ...over,
});

/** Each option with its operands, as bwrap reads them (the argv after `--` is the command). */
function ops(args: string[]): string[][] {
  const arity: Record<string, number> = { '--ro-bind': 2, '--ro-bind-try': 2, '--bind': 2, '--symlink': 2, '--setenv': 2, '--chdir': 1, '--remount-ro': 1, '--cap-drop': 1, '--proc': 1, '--dev': 1, '--tmpfs': 1 };
  const out: string[][] = [];
  for (let i = 0; i < args.length; ) {
    if (args[i] === '--') {
      out.push(args.slice(i));
      break;
    }
    const n = arity[args[i]!] ?? 0;
    out.push(args.slice(i, i + 1 + n));
    i += 1 + n;
  }
  return out;
}

test('bwrap argv: the system read-only, the workspace the only bind that is writable, at its own path, and the command last', () => {
  const o = ops(bwrapArgs(plan()));
  assert.deepEqual(o.filter((x) => x[0] === '--bind'), [['--bind', '/home/ann/.clawgate/workspace', '/home/ann/.clawgate/workspace']]);
  assert.deepEqual(o.filter((x) => x[0] === '--ro-bind'), [['--ro-bind', '/usr', '/usr']]);
  assert.deepEqual(o.filter((x) => x[0] === '--symlink').map((x) => x[2]), ['/bin', '/sbin', '/lib', '/lib64']);
  assert.deepEqual(o.find((x) => x[0] === '--chdir'), ['--chdir', '/home/ann/.clawgate/workspace/src']);
  assert.deepEqual(o.at(-1), ['--', '/bin/sh', '-c', 'make test']);
  for (const flag of ['--die-with-parent', '--new-session', '--unshare-all', '--clearenv']) assert.ok(o.some((x) => x[0] === flag), flag);
  assert.deepEqual(o.find((x) => x[0] === '--cap-drop'), ['--cap-drop', 'ALL']);
  assert.deepEqual(o.filter((x) => ['--proc', '--dev', '--tmpfs'].includes(x[0]!)), [['--proc', '/proc'], ['--dev', '/dev'], ['--tmpfs', '/tmp']]);
  // The root is made read-only after every mount is in place.
  const lastMount = Math.max(...o.map((x, i) => (/bind|symlink|proc|dev|tmpfs/.test(x[0]!) ? i : -1)));
  assert.deepEqual(o[lastMount + 1], ['--remount-ro', '/']);
});

test('bwrap argv: neither the state dir nor home is bound; nothing of /etc but the named subset, and never its secrets', () => {
  const args = bwrapArgs(plan());
  const sources = ops(args).filter((x) => x[0]!.includes('bind')).map((x) => x[1]!);
  assert.ok(!sources.includes('/home/ann/.clawgate') && !sources.includes('/home/ann'));
  assert.ok(!sources.some((s) => s.startsWith('/home/') && s !== '/home/ann/.clawgate/workspace'));
  const etc = sources.filter((s) => s.startsWith('/etc'));
  assert.deepEqual(etc, [...SANDBOX_ETC]);
  for (const secret of ['/etc/shadow', '/etc/gshadow', '/etc/ssh', '/etc/ssl/private', '/etc/sudoers', '/etc']) assert.ok(!sources.includes(secret), secret);
});

test('bwrap argv: the network is unshared unless tools.exec.network allows it', () => {
  assert.ok(!bwrapArgs(plan()).includes('--share-net'));
  assert.ok(bwrapArgs(plan({ network: true })).includes('--share-net'));
});

test('bwrap argv: the environment is cleared and exactly the given variables are set', () => {
  const o = ops(bwrapArgs(plan()));
  assert.ok(o.findIndex((x) => x[0] === '--clearenv') < o.findIndex((x) => x[0] === '--setenv'));
  assert.deepEqual(o.filter((x) => x[0] === '--setenv').map((x) => x[1]), ['PATH', 'HOME', 'LANG', 'TERM']);
});

test('bwrap argv: a workspace under /tmp is bound after the fresh /tmp, so it is not hidden by it', () => {
  const args = bwrapArgs(plan({ workspace: '/tmp/ws', workdir: '/tmp/ws', hidden: [] }));
  assert.ok(args.indexOf('--tmpfs') < args.indexOf('--bind'));
});

test('bwrap argv: system paths that are directories (no merged /usr) are bound read-only; absent ones skipped', () => {
  const o = ops(bwrapArgs(plan({ layout: { '/bin': { kind: 'dir' }, '/lib': { kind: 'dir' }, '/lib64': { kind: 'absent' } } })));
  assert.deepEqual(o.filter((x) => x[0] === '--ro-bind').map((x) => x[1]), ['/usr', '/bin', '/lib']);
  assert.ok(!o.some((x) => x[0] === '--symlink'));
});

test('a workspace that is or holds the state dir, home or / is refused: binding it would show them', () => {
  for (const ws of ['/', '/home/ann', '/home', '/home/ann/.clawgate']) {
    assert.throws(() => assertWorkspaceBindable(ws, ['/home/ann/.clawgate', '/home/ann']), (e: unknown) => e instanceof ClawgateError && e.code === 'EXEC_WORKSPACE_UNSAFE' && e.message.includes('agents.defaults.workspace'), ws);
  }
  assert.throws(() => bwrapArgs(plan({ workspace: '/home/ann', workdir: '/home/ann' })), /EXEC_WORKSPACE_UNSAFE|must hide/);
  // Inside the state dir is fine (only the workspace itself is bound); a sibling with a common prefix too.
  assertWorkspaceBindable('/home/ann/.clawgate/workspace', ['/home/ann/.clawgate', '/home/ann']);
  assertWorkspaceBindable('/srv/agent', ['/srv/agent-state']);
});
