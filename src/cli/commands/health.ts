import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { callGateway } from '../gateway-call.js';
import { health } from '../../protocol/methods/gateway-info.js';

/** `clawgate health`: is the gateway alive, and what does it hold. */
export function register(program: Command, ctx: () => CliContext): void {
  program
    .command('health')
    .description('check that the gateway answers')
    .option('--json', 'print the health payload as JSON')
    .action(async (opts: { json?: boolean }) => {
      const c = ctx();
      const started = Date.now();
      const result = await callGateway(c, health);
      if (opts.json || c.json) {
        c.printJson(result);
        return;
      }
      c.io.out(`OK (${Date.now() - started}ms): gateway healthy; default agent ${result.defaultAgentId}, ${result.sessions.count} sessions, ${result.channelOrder.length} channels`);
    });
}
