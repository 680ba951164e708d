import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { describeResolved, resolveViaCli } from './decide.js';

/** `clawgate approvals deny <id>`. */
export function register(approvals: Command, ctx: () => CliContext): void {
  approvals
    .command('deny')
    .description('refuse a pending command: it does not run')
    .argument('<id>', 'approval id, or a unique prefix of at least 4 characters (see clawgate approvals list)')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const c = ctx();
      const result = await resolveViaCli(c, id, 'deny');
      if (opts.json || c.json) c.printJson(result);
      else c.io.out(describeResolved(result));
    });
}
