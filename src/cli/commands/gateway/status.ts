import type { Command } from 'commander';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { daemonLogPath, findRunning } from '../../../service/background.js';
import { probeHealthz } from '../../../service/probe.js';
import type { CliContext } from '../../context.js';
import { duration } from '../../table.js';

/** `clawgate gateway status`: is a gateway running for this state dir (lock, pid, port, /healthz). */
export function register(gateway: Command, ctx: () => CliContext): void {
  gateway
    .command('status')
    .description('show whether the gateway of this state dir is running (exit 3 when it is not)')
    .option('--json', 'print a stable JSON document')
    .action(async (opts: { json?: boolean }) => {
      const c = ctx();
      const running = await findRunning(c.paths);
      const health = running?.lock.port ? await probeHealthz(running.lock.port) : undefined;
      const doc = {
        running: running !== undefined,
        healthy: running?.healthy ?? false,
        pid: running?.lock.pid ?? null,
        port: running?.lock.port ?? null,
        version: health?.version ?? running?.lock.version ?? null,
        uptimeMs: health?.uptimeMs ?? null,
        stateDir: c.paths.stateDir,
        log: daemonLogPath(c.paths),
      };
      if (!running) c.failure = new ClawgateError('GATEWAY_UNREACHABLE', `no gateway is running for ${c.paths.stateDir}; start it with clawgate gateway start`);
      if (opts.json || c.json) {
        c.printJson(doc);
        return;
      }
      if (!running) c.io.out(`not running (state dir ${c.paths.stateDir}); start it with: clawgate gateway start`);
      else if (running.healthy) c.io.out(`running (pid ${doc.pid}, port ${doc.port}, version ${doc.version}, up ${duration(doc.uptimeMs ?? 0)}); state dir ${doc.stateDir}`);
      else c.io.out(`process ${doc.pid} owns ${doc.stateDir} but does not answer on port ${doc.port ?? '?'}; see ${doc.log} or clawgate gateway stop`);
    });
}
