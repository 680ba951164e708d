import type { Command } from 'commander';
import { realpathSync } from 'node:fs';
import { daemonLogPath, findRunning, startBackground } from '../../../service/background.js';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import type { CliContext } from '../../context.js';

/** Flags passed through to the background `gateway run`. A --token goes by environment, never argv (ps shows argv). */
export function runArgs(opts: { port?: string; bind?: string }): string[] {
  return [...(opts.port ? ['--port', opts.port] : []), ...(opts.bind ? ['--bind', opts.bind] : [])];
}

/** Start in the background unless a healthy gateway already serves this state dir (then exit 0). */
export async function startGateway(c: CliContext, opts: { port?: string; bind?: string }): Promise<void> {
  const running = await findRunning(c.paths);
  if (running?.healthy) {
    c.io.out(`already running (pid ${running.lock.pid}, port ${running.lock.port})`);
    return;
  }
  if (running && running.lock.port === null) {
    // Another start (or a supervisor) got there first and its gateway is still starting: say that, not "does not answer".
    throw new ClawgateError(
      'GATEWAY_ALREADY_RUNNING',
      `another gateway (pid ${running.lock.pid}) is starting on this state dir; check it with clawgate gateway status`,
      { pid: running.lock.pid, port: null },
    );
  }
  if (running) {
    throw new ClawgateError(
      'GATEWAY_ALREADY_RUNNING',
      `a gateway process (pid ${running.lock.pid}) owns this state dir but does not answer on port ${running.lock.port ?? '?'}; stop it with clawgate gateway stop`,
      { pid: running.lock.pid, port: running.lock.port },
    );
  }
  const entry = realpathSync(process.argv[1]!);
  const env = c.globals.token ? { ...c.io.env, CLAWGATE_GATEWAY_TOKEN: c.globals.token } : c.io.env;
  const lock = await startBackground(c.paths, entry, runArgs(opts), env);
  c.io.out(`started (pid ${lock.pid}, port ${lock.port}); output in ${daemonLogPath(c.paths)}`);
}

/** `clawgate gateway start`. */
export function register(gateway: Command, ctx: () => CliContext): void {
  gateway
    .command('start')
    .description('start the gateway in the background (exit 0 if it already runs)')
    .option('--port <port>', 'listen port (overrides gateway.port)')
    .option('--bind <bind>', 'loopback, lan, or an address (overrides gateway.bind)')
    .action((opts: { port?: string; bind?: string }) => startGateway(ctx(), opts));
}
