import { spawn } from 'node:child_process';
import { accessSync, constants, lstatSync, mkdtempSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import type { ExecSettings } from '../../tool-settings.js';
import { bwrapArgs, MERGED_SYSTEM_PATHS, type HostLayout, type SystemPathKind } from './bwrap-args.js';
import { execEnv } from './exec-env.js';
import { PROBE_REASON_CHARS, SANDBOX_PROBE_TIMEOUT_MS } from './limits.js';

/** Where commands run: under bubblewrap (with the bwrap binary found), or on the host, and why. */
export type SandboxMode = { readonly mode: 'bubblewrap'; readonly bwrap: string; readonly reason: string } | { readonly mode: 'host'; readonly reason: string };

/** What the one-time probe found: a bwrap on PATH that can create the namespaces, or why not. */
export interface BwrapProbe {
  readonly usable: boolean;
  /** Absolute path of bwrap when found on PATH. */
  readonly path: string | undefined;
  readonly reason: string;
}

/** The sandbox as status and doctor show it; never throws. */
export interface SandboxReport {
  /** tools.exec.sandbox as configured. */
  readonly setting: ExecSettings['sandbox'];
  /** Where commands run now; `unavailable`: sandbox is `bubblewrap` and it cannot be used, so exec refuses. */
  readonly mode: 'bubblewrap' | 'host' | 'unavailable';
  readonly reason: string;
  /** The step that gets the sandbox working, when it is not. */
  readonly fix?: string;
}

/** The install hint every "no sandbox" message carries. */
export const BWRAP_INSTALL_FIX = 'install the Debian package bubblewrap (apt install bubblewrap)';

const probes = new Map<string, Promise<BwrapProbe>>();
let layout: HostLayout | undefined;

/** bwrap on a PATH value: the first executable file named bwrap in its absolute directories. */
export function findOnPath(name: string, pathEnv: string): string | undefined {
  for (const dir of pathEnv.split(':')) {
    if (!isAbsolute(dir)) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The host's merged-/usr layout, read once (it does not change while the gateway runs). */
export function readHostLayout(): HostLayout {
  if (layout) return layout;
  const out: Record<string, SystemPathKind> = {};
  for (const path of MERGED_SYSTEM_PATHS) {
    try {
      const st = lstatSync(path);
      out[path] = st.isSymbolicLink() ? { kind: 'symlink', target: readlinkSync(path) } : st.isDirectory() ? { kind: 'dir' } : { kind: 'absent' };
    } catch {
      out[path] = { kind: 'absent' };
    }
  }
  return (layout = out);
}

async function runProbe(bwrap: string): Promise<BwrapProbe> {
  // The same argv a command gets (in an empty temporary workspace), so "usable" means what exec will do.
  const dir = mkdtempSync(join(tmpdir(), 'clawgate-bwrap-probe-'));
  try {
    const args = bwrapArgs({ workspace: dir, workdir: dir, hidden: [], network: false, layout: readHostLayout(), env: execEnv('bubblewrap', dir, {}), command: 'true' });
    const result = await new Promise<{ code: number | null; stderr: string; error?: string }>((resolve) => {
      const child = spawn(bwrap, args, { stdio: ['ignore', 'ignore', 'pipe'], env: {}, timeout: SANDBOX_PROBE_TIMEOUT_MS, killSignal: 'SIGKILL' });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(0, PROBE_REASON_CHARS)));
      child.on('error', (err) => resolve({ code: null, stderr, error: err.message }));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    if (result.code === 0) return { usable: true, path: bwrap, reason: `bubblewrap works (${bwrap})` };
    const why = (result.error ?? result.stderr.trim().split('\n')[0]) || `exit code ${result.code ?? 'none (killed)'}`;
    return { usable: false, path: bwrap, reason: `bubblewrap (${bwrap}) cannot create the sandbox's namespaces: ${why}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Find bwrap on PATH and check once that it can create the namespaces; cached per PATH value. */
export function probeBubblewrap(pathEnv: string = process.env.PATH ?? ''): Promise<BwrapProbe> {
  let probe = probes.get(pathEnv);
  if (!probe) {
    const bwrap = findOnPath('bwrap', pathEnv);
    probe = bwrap ? runProbe(bwrap) : Promise.resolve({ usable: false, path: undefined, reason: 'bubblewrap (bwrap) is not installed or not on PATH' });
    probes.set(pathEnv, probe);
  }
  return probe;
}

function unusableFix(probe: BwrapProbe): string {
  return probe.path === undefined
    ? BWRAP_INSTALL_FIX
    : 'allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu an AppArmor profile for bwrap), or run the gateway where bwrap works';
}

/**
 * Where exec runs commands under this setting. auto: bubblewrap when it works, else the host (the reason
 * says why); bubblewrap: required, EXEC_SANDBOX_UNAVAILABLE when it does not work; off: the host.
 */
export async function sandboxMode(exec: Pick<ExecSettings, 'sandbox'>, pathEnv?: string): Promise<SandboxMode> {
  if (exec.sandbox === 'off') return { mode: 'host', reason: 'tools.exec.sandbox is off: commands run on the host as the gateway user' };
  const probe = await probeBubblewrap(pathEnv);
  if (probe.usable && probe.path) return { mode: 'bubblewrap', bwrap: probe.path, reason: probe.reason };
  if (exec.sandbox === 'auto') return { mode: 'host', reason: `tools.exec.sandbox is auto and ${probe.reason}: commands run on the host as the gateway user` };
  throw new ClawgateError(
    'EXEC_SANDBOX_UNAVAILABLE',
    `tools.exec.sandbox is bubblewrap but ${probe.reason}, so no command can run; ${unusableFix(probe)}, or set tools.exec.sandbox to auto or off knowingly`,
    { setting: 'bubblewrap' },
  );
}

/** The sandbox in force under this setting, for `clawgate status` and doctor; never throws. */
export async function describeSandbox(exec: Pick<ExecSettings, 'sandbox'>, pathEnv?: string): Promise<SandboxReport> {
  if (exec.sandbox === 'off') return { setting: 'off', mode: 'host', reason: 'tools.exec.sandbox is off: commands run on the host as the gateway user' };
  const probe = await probeBubblewrap(pathEnv);
  if (probe.usable) return { setting: exec.sandbox, mode: 'bubblewrap', reason: probe.reason };
  const fix = `${unusableFix(probe)}; or set tools.exec.sandbox off to run commands on the host knowingly`;
  if (exec.sandbox === 'auto') return { setting: 'auto', mode: 'host', reason: `${probe.reason}, so commands run on the host as the gateway user`, fix };
  return { setting: 'bubblewrap', mode: 'unavailable', reason: `${probe.reason}, so exec refuses every command`, fix };
}
