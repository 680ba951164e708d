import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { startGateway } from './start.js';
import { stopGateway } from './stop.js';

/** `clawgate gateway restart`: stop (if running), then start in the background. */
export function register(gateway: Command, ctx: () => CliContext): void {
  gateway
    .command('restart')
    .description('stop the gateway if it runs, then start it in the background')
    .option('--port <port>', 'listen port (overrides gateway.port)')
    .option('--bind <bind>', 'loopback, lan, or an address (overrides gateway.bind)')
    .action(async (opts: { port?: string; bind?: string }) => {
      const c = ctx();
      await stopGateway(c);
      await startGateway(c, opts);
    });
}
