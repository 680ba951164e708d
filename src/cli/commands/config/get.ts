import type { Command } from 'commander';
import { loadConfig } from '../../../config/load.js';
import { getPath } from '../../../config/key-path.js';
import { redactConfigValue } from '../../../config/redact.js';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import type { CliContext } from '../../context.js';

/** `clawgate config get [path]`. */
export function register(config: Command, ctx: () => CliContext): void {
  config
    .command('get')
    .description('print a config value (secrets are redacted)')
    .argument('[path]', 'dotted key path, e.g. gateway.port')
    .action((path: string | undefined) => {
      const c = ctx();
      const { config: cfg } = loadConfig(c.paths.configPath);
      const value = path ? getPath(cfg, path) : cfg;
      if (value === undefined) throw new ClawgateError('USAGE', `${path} is not set in ${c.paths.configPath}`);
      c.io.out(JSON.stringify(redactConfigValue(path ?? '', value), null, 2));
    });
}
