import { applyNote } from './apply-note.js';
import type { Command } from 'commander';
import { loadConfig, writeConfig } from '../../../config/load.js';
import { unsetPath } from '../../../config/key-path.js';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import type { CliContext } from '../../context.js';

/** `clawgate config unset <path>`. */
export function register(config: Command, ctx: () => CliContext): void {
  config
    .command('unset')
    .description('remove a config value (the default applies again)')
    .argument('<path>', 'dotted key path')
    .action((path: string) => {
      const c = ctx();
      const { config: cfg } = loadConfig(c.paths.configPath);
      const { result, removed } = unsetPath(cfg, path);
      if (!removed) throw new ClawgateError('USAGE', `${path} is not set in ${c.paths.configPath}`);
      writeConfig(c.paths.configPath, result);
      c.io.out(`unset ${path} in ${c.paths.configPath}; ${applyNote(path)}`);
    });
}
