import type { Command } from 'commander';
import type { ResultOf } from '../../../protocol/methods/index.js';
import type { CliContext } from '../../context.js';
import { withRunningGateway } from '../../gateway-required.js';
import { formatTable } from '../../table.js';
import { modelsList } from '../../../protocol/methods/models.js';

type ModelsResult = ResultOf<typeof modelsList>;

/** A table of the models the configured providers offer. */
export function renderModels(result: ModelsResult): string {
  if (result.models.length === 0) return 'No models configured. Add a provider under models.providers and set agents.defaults.model (see docs/config.md).';
  return formatTable(
    ['MODEL', 'NAME', 'PROVIDER', 'CONTEXT'],
    result.models.map((m) => [`${m.provider}/${m.id}`, m.name, m.provider, m.contextWindow]),
  );
}

/** `clawgate models list`. */
export function register(models: Command, ctx: () => CliContext): void {
  models
    .command('list')
    .description('list the models of the configured providers (needs the running gateway)')
    .option('--json', 'print {models} as the wire has them')
    .action(async (opts: { json?: boolean }) => {
      const c = ctx();
      const result = await withRunningGateway(c, [modelsList], (client) => client.call(modelsList, {}));
      if (opts.json || c.json) c.printJson(result);
      else c.io.out(renderModels(result));
    });
}
