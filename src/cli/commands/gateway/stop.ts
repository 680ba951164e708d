import type { Command } from 'commander';
import { readLock, ownerAlive } from '../../../util/gateway-lock.js';
import { stopBackground } from '../../../service/background.js';
import type { CliContext } from '../../context.js';

/** Stop the gateway that owns this state dir and wait until its port is free. */
export async function stopGateway(c: CliContext): Promise<void> {
  const lock = readLock(c.paths.lockPath);
  if (!lock || !ownerAlive(lock)) {
    c.io.out('not running');
    return;
  }
  const { forced } = await stopBackground(lock);
  c.io.out(forced ? `stopped (pid ${lock.pid}) with SIGKILL: it did not exit within the timeout` : `stopped (pid ${lock.pid}, port ${lock.port ?? '-'})`);
}

/** `clawgate gateway stop`. */
export function register(gateway: Command, ctx: () => CliContext): void {
  gateway
    .command('stop')
    .description('stop the gateway of this state dir and wait until its port is free')
    .action(() => stopGateway(ctx()));
}
