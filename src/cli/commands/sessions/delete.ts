import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { withRunningGateway } from '../../gateway-required.js';
import { sessionsDelete } from '../../../protocol/methods/sessions.js';

/** `clawgate sessions delete KEY`. */
export function register(sessions: Command, ctx: () => CliContext): void {
  sessions
    .command('delete')
    .description('remove a session and its transcript (its runs are aborted first; sub-agent sessions stay)')
    .argument('<key>', 'session key, e.g. agent:main:work (see clawgate sessions list)')
    .option('--json', 'print {ok, key, deleted, aborted}')
    .action(async (key: string, opts: { json?: boolean }) => {
      const c = ctx();
      const result = await withRunningGateway(c, [sessionsDelete], (client) => client.call(sessionsDelete, { key }));
      if (opts.json || c.json) c.printJson(result);
      else c.io.out(`deleted session ${result.key}${result.aborted.length > 0 ? ` (aborted ${result.aborted.length} run${result.aborted.length === 1 ? '' : 's'})` : ''}`);
    });
}
