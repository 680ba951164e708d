import { bwrapArgs } from './bwrap-args.js';
import { execEnv } from './exec-env.js';
import { readHostLayout, type SandboxMode } from './sandbox.js';

/** What to spawn for one command: program, argv, the whole environment, the working directory. */
export interface Launch {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly sandbox: 'bubblewrap' | 'host';
  /** The fd on which the program reports `{"child-pid": N}`, the sandbox's init (bwrap --info-fd). */
  readonly infoFd?: number;
}

/** The fd bwrap reports its sandbox's init pid on (the first after stdin, stdout and stderr). */
export const BWRAP_INFO_FD = 3;

/** One command to launch, with real paths. */
export interface LaunchJob {
  readonly command: string;
  readonly workspace: string;
  readonly workdir: string;
  /** Directories the sandbox never shows (state dir, home). */
  readonly hidden: readonly string[];
  readonly network: boolean;
}

/** `/bin/sh -c command` on the host, or the same under bwrap; never with the gateway's environment. */
export function launchFor(mode: SandboxMode, job: LaunchJob, gatewayEnv: NodeJS.ProcessEnv = process.env): Launch {
  if (mode.mode === 'host') {
    return { file: '/bin/sh', args: ['-c', job.command], env: execEnv('host', job.workspace, gatewayEnv), cwd: job.workdir, sandbox: 'host' };
  }
  const env = execEnv('bubblewrap', job.workspace, gatewayEnv);
  const args = bwrapArgs({ workspace: job.workspace, workdir: job.workdir, hidden: job.hidden, network: job.network, layout: readHostLayout(), env, command: job.command });
  // The init's pid lets a stop reach the sandbox's processes directly (see managed-process.ts).
  return { file: mode.bwrap, args: ['--info-fd', String(BWRAP_INFO_FD), ...args], env, cwd: job.workdir, sandbox: 'bubblewrap', infoFd: BWRAP_INFO_FD };
}
