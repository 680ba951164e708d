import { applyNote } from './apply-note.js';
import type { Command } from 'commander';
import JSON5 from 'json5';
import { loadConfig, writeConfig } from '../../../config/load.js';
import { setPath } from '../../../config/key-path.js';
import type { CliContext } from '../../context.js';

/** Parse a CLI value as JSON5; a bare word that is not JSON5 is taken as a string. */
export function parseValue(text: string): unknown {
  try {
    return JSON5.parse(text);
  } catch {
    return text;
  }
}

/** `clawgate config set <path> <value>`: validated write, previous file kept as .bak. */
export function register(config: Command, ctx: () => CliContext): void {
  config
    .command('set')
    .description('set a config value (parsed as JSON5); the write is validated')
    .argument('<path>', 'dotted key path')
    .argument('<value>', 'value, e.g. 19000, "lan", true')
    .action((path: string, value: string) => {
      const c = ctx();
      const { config: cfg } = loadConfig(c.paths.configPath);
      writeConfig(c.paths.configPath, setPath(cfg, path, parseValue(value)));
      c.io.out(`set ${path} in ${c.paths.configPath} (previous file kept as clawgate.json.bak); ${applyNote(path)}`);
    });
}
