import type { Command } from 'commander';
import type { ResultOf } from '../../../protocol/methods/index.js';
import type { CliContext } from '../../context.js';
import { withRunningGateway } from '../../gateway-required.js';
import { sessionsReset } from '../../../protocol/methods/sessions.js';

/** What `sessions reset` says: how much went, and that the session's settings stayed. */
export function renderReset(r: ResultOf<typeof sessionsReset>): string {
  const aborted = r.aborted.length > 0 ? `; aborted ${r.aborted.length === 1 ? 'its run' : `${r.aborted.length} runs`}` : '';
  return `reset ${r.key}: ${r.cleared} transcript ${r.cleared === 1 ? 'entry' : 'entries'} deleted${aborted} (label and model kept)`;
}

/** `clawgate sessions reset KEY`. */
export function register(sessions: Command, ctx: () => CliContext): void {
  sessions
    .command('reset')
    .description('start a session over: abort its runs, kill its processes, delete its transcript (label and model stay)')
    .argument('<key>', 'session key, e.g. agent:main:main (see clawgate sessions list)')
    .option('--json', 'print {ok, key, entry, cleared, aborted}')
    .action(async (key: string, opts: { json?: boolean }) => {
      const c = ctx();
      const result = await withRunningGateway(c, [sessionsReset], (client) => client.call(sessionsReset, { key }));
      if (opts.json || c.json) c.printJson(result);
      else c.io.out(renderReset(result));
    });
}
