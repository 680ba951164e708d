import type { Command } from 'commander';
import type { ResultOf } from '../../../protocol/methods/index.js';
import type { CliContext } from '../../context.js';
import { withRunningGateway } from '../../gateway-required.js';
import { modelsReset } from '../../../protocol/methods/models.js';

type ResetResult = ResultOf<typeof modelsReset>;

/** What a reset cleared, in words. */
export function renderReset(result: ResetResult, provider: string | undefined): string {
  if (result.reset.length === 0) return provider ? `${provider} had no cooldown or rejected key; nothing to reset` : 'no provider had a cooldown or rejected key; nothing to reset';
  return `reset: ${result.reset.join(', ')} (calls are allowed again)`;
}

/** `clawgate models reset [PROVIDER]`. */
export function register(models: Command, ctx: () => CliContext): void {
  models
    .command('reset')
    .description('clear cooldowns and rejected-key marks of one provider or all (needs the running gateway)')
    .argument('[provider]', 'provider id (default: all)')
    .option('--json', 'print {reset}')
    .action(async (provider: string | undefined, opts: { json?: boolean }) => {
      const c = ctx();
      const result = await withRunningGateway(c, [modelsReset], (client) => client.call(modelsReset, provider !== undefined ? { provider } : {}));
      if (opts.json || c.json) c.printJson(result);
      else c.io.out(renderReset(result, provider));
    });
}
