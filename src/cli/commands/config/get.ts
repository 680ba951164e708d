import type { Command } from 'commander';
import { loadConfig } from '../../../config/load.js';
import { getPath } from '../../../config/key-path.js';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import type { CliContext } from '../../context.js';

const SECRET_PATHS = new Set(['gateway.auth.token']);

/** Render a value, redacting secrets (a whole subtree containing one shows its fingerprint). */
export function redactConfigValue(path: string, value: unknown): unknown {
  if (SECRET_PATHS.has(path) && typeof value === 'string') return `[redacted ${value.length} chars]`;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactConfigValue(path ? `${path}.${k}` : k, v)]));
  }
  return value;
}

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
