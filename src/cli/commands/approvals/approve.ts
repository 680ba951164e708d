import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { describeResolved, resolveViaCli } from './decide.js';

/** `clawgate approvals approve <id> [--always]`. */
export function register(approvals: Command, ctx: () => CliContext): void {
  approvals
    .command('approve')
    .description('allow a pending command once (--always: also from now on, adding it to the agent\'s allowlist)')
    .argument('<id>', 'approval id, or a unique prefix of at least 4 characters (see clawgate approvals list)')
    .option('--always', 'allow this exact command from now on (stored allowlist of the request\'s agent)')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, opts: { always?: boolean; json?: boolean }) => {
      const c = ctx();
      const result = await resolveViaCli(c, id, opts.always ? 'allow-always' : 'allow-once');
      if (opts.json || c.json) c.printJson(result);
      else c.io.out(describeResolved(result));
    });
}
