import { isAbsolute, relative, sep } from 'node:path';
import { ClawgateError } from '../../../protocol/error-catalogue.js';

/** How a top-level system path exists on the host: a symlink (merged /usr: `/bin -> usr/bin`), a directory, or not at all. */
export type SystemPathKind = { readonly kind: 'symlink'; readonly target: string } | { readonly kind: 'dir' } | { readonly kind: 'absent' };

/** The host's top-level system paths besides /usr, as readHostLayout found them. */
export type HostLayout = Readonly<Record<string, SystemPathKind>>;

/** Top-level paths that are directories on older systems and symlinks into /usr on merged-/usr ones (Debian 12). */
export const MERGED_SYSTEM_PATHS = ['/bin', '/sbin', '/lib', '/lib64', '/lib32', '/libx32'] as const;

/**
 * The part of /etc the sandbox sees: what programs need to find users, hosts, libraries, time zones,
 * certificates and Debian's alternatives. Everything else stays hidden, in particular /etc/shadow,
 * /etc/gshadow, /etc/ssh (host keys), /etc/ssl/private, /etc/sudoers and network credentials
 * (NetworkManager, wireguard). Entries missing on the host are skipped (--ro-bind-try).
 */
export const SANDBOX_ETC = [
  '/etc/passwd',
  '/etc/group',
  '/etc/nsswitch.conf',
  '/etc/hosts',
  '/etc/host.conf',
  '/etc/resolv.conf',
  '/etc/gai.conf',
  '/etc/services',
  '/etc/protocols',
  '/etc/networks',
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/localtime',
  '/etc/timezone',
  '/etc/alternatives',
  '/etc/ssl/certs',
  '/etc/ssl/openssl.cnf',
  '/etc/ca-certificates',
  '/etc/ca-certificates.conf',
  '/etc/os-release',
  '/etc/debian_version',
  '/etc/locale.alias',
  '/etc/mime.types',
  '/etc/magic',
  '/etc/shells',
  '/etc/terminfo',
  '/etc/profile',
  '/etc/bash.bashrc',
  '/etc/inputrc',
  '/etc/gitconfig',
] as const;

/** What one sandboxed command needs: where it runs and what must stay invisible. */
export interface BwrapPlan {
  /** The agent's workspace, a real absolute path: the only writable place, bound at its own path. */
  readonly workspace: string;
  /** The working directory, a real path inside the workspace. */
  readonly workdir: string;
  /** Directories that must never be visible (the state dir, the owner's home). */
  readonly hidden: readonly string[];
  /** tools.exec.network: keep the host's network; otherwise the sandbox has only its own loopback. */
  readonly network: boolean;
  readonly layout: HostLayout;
  /** The environment inside (already minimal: exec-env.ts). */
  readonly env: Readonly<Record<string, string>>;
  readonly command: string;
}

function within(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * Refuse a workspace whose bind would show what the sandbox hides: the root, or a directory that is or
 * holds the state dir or the home directory (binding it would expose config, tokens and the database).
 */
export function assertWorkspaceBindable(workspace: string, hidden: readonly string[]): void {
  const exposed = workspace === '/' ? '/' : hidden.find((h) => within(workspace, h));
  if (exposed !== undefined) {
    throw new ClawgateError(
      'EXEC_WORKSPACE_UNSAFE',
      `the agent's workspace ${workspace} contains ${exposed === '/' ? 'the whole filesystem' : exposed}, which the sandbox must hide (state dir or home); set agents.list[].workspace (or agents.defaults.workspace) to a directory of its own, e.g. ~/clawgate-workspace`,
      { workspace },
    );
  }
}

/**
 * The bwrap argv (without the bwrap path) that runs `/bin/sh -c command` with: the system read-only (/usr,
 * the merged-/usr links, a minimal /etc), fresh /proc, /dev and /tmp, a read-only root, the workspace as the only writable
 * and the only host directory visible besides the system, every namespace unshared (network too unless
 * allowed), no capabilities (we may run as root), a clean environment, a new session (no terminal
 * injection), and death with the gateway. The state dir and home are never bound.
 */
export function bwrapArgs(plan: BwrapPlan): string[] {
  assertWorkspaceBindable(plan.workspace, plan.hidden);
  const args = ['--die-with-parent', '--new-session', '--unshare-all'];
  if (plan.network) args.push('--share-net');
  args.push('--cap-drop', 'ALL', '--clearenv');
  for (const [name, value] of Object.entries(plan.env)) args.push('--setenv', name, value);
  args.push('--ro-bind', '/usr', '/usr');
  for (const path of MERGED_SYSTEM_PATHS) {
    const kind = plan.layout[path] ?? { kind: 'absent' };
    if (kind.kind === 'symlink') args.push('--symlink', kind.target, path);
    else if (kind.kind === 'dir') args.push('--ro-bind', path, path);
  }
  for (const path of SANDBOX_ETC) args.push('--ro-bind-try', path, path);
  // /tmp before the workspace: a workspace under /tmp is bound on top of the fresh tmpfs.
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp');
  args.push('--bind', plan.workspace, plan.workspace);
  // The new root (where bwrap made /etc, /home/... for the binds) becomes read-only: nothing can be
  // written outside the workspace, /tmp and /dev/shm, not even into the sandbox's own scaffolding.
  args.push('--remount-ro', '/', '--chdir', plan.workdir);
  args.push('--', '/bin/sh', '-c', plan.command);
  return args;
}
