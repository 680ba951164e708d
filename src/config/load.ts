import { existsSync, readFileSync } from 'node:fs';
import JSON5 from 'json5';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { copyFileAtomic, writeFileAtomic } from '../util/atomic-write.js';
import { configValidator, type Config } from './schema.js';
import { semanticProblems } from './semantic-problems.js';
import { placeholderProblems, tokenProblems } from './token-problems.js';

/** Largest config file we read; a bigger one is certainly not ours. */
export const MAX_CONFIG_BYTES = 1_048_576;

/** A loaded config and whether a file was there. */
export interface LoadedConfig {
  readonly config: Config;
  readonly exists: boolean;
  readonly path: string;
}

function keyPath(pointer: string): string {
  return pointer === '' ? '(root)' : pointer.slice(1).replace(/\//g, '.');
}

/** Problems with a candidate config, each naming the key path; empty when valid. */
export function configProblems(value: unknown): string[] {
  if (!configValidator.check(value)) {
    return configValidator.errors(value, 5).map((line) => {
      const idx = line.indexOf(': ');
      return `${keyPath(line.slice(0, idx) === '(root)' ? '' : line.slice(0, idx))}: ${line.slice(idx + 2)}`;
    });
  }
  return semanticProblems(value);
}

/** Read and validate clawgate.json (JSON5). A missing file means defaults; a bad file is an error, never defaults. */
export function loadConfig(path: string): LoadedConfig {
  if (!existsSync(path)) return { config: {}, exists: false, path };
  let text: string;
  try {
    const buf = readFileSync(path);
    if (buf.length > MAX_CONFIG_BYTES) throw new Error(`larger than ${MAX_CONFIG_BYTES} bytes`);
    text = buf.toString('utf8');
  } catch (err) {
    throw new ClawgateError('CONFIG_INVALID', `cannot read config ${path}: ${(err as Error).message}`, { path });
  }
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? undefined : JSON5.parse(text);
  } catch (err) {
    throw new ClawgateError(
      'CONFIG_INVALID',
      `config ${path} is not valid JSON5 (${(err as Error).message.replace(/^JSON5: /, '')}); fix it or restore ${path}.bak`,
      { path },
    );
  }
  if (parsed === undefined) {
    throw new ClawgateError('CONFIG_INVALID', `config ${path} is empty; fix it or restore ${path}.bak`, { path });
  }
  const problems = configProblems(parsed);
  if (problems.length > 0) {
    throw new ClawgateError('CONFIG_INVALID', `config ${path} is invalid: ${problems.join('; ')}`, { path, problems });
  }
  return { config: parsed as Config, exists: true, path };
}

/** Validate and write the config atomically (0600), keeping the previous file as `<path>.bak`; a weak gateway token is refused too. */
export function writeConfig(path: string, config: Config): void {
  const problems = configProblems(config);
  if (problems.length === 0) problems.push(...placeholderProblems(config), ...tokenProblems(config));
  if (problems.length > 0) {
    throw new ClawgateError('CONFIG_INVALID', `refusing to write an invalid config: ${problems.join('; ')}`, { problems });
  }
  if (existsSync(path)) copyFileAtomic(path, `${path}.bak`);
  writeFileAtomic(path, `${JSON.stringify(config, null, 2)}\n`);
}
