import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { resolveAgents, type ResolvedAgents } from './agent-config.js';

/**
 * The agents/models part of config as it is now: re-read when clawgate.json changes (mtime or size), so a
 * new provider key takes effect on the next run without a restart. An invalid edit keeps the last good
 * config and is logged once.
 */
export class ConfigSource {
  readonly #path: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #log: Logger;
  #stamp = '';
  #current: ResolvedAgents;

  constructor(path: string, env: NodeJS.ProcessEnv, log: Logger, initial?: Config) {
    this.#path = path;
    this.#env = env;
    this.#log = log;
    this.#current = resolveAgents(initial ?? {}, env, dirname(path));
    if (initial === undefined) this.current();
    else this.#stamp = this.#stampNow();
  }

  #stampNow(): string {
    // Called on hot paths (health, every run): no exception for a missing file.
    const st = statSync(this.#path, { throwIfNoEntry: false });
    return st ? `${st.mtimeMs}:${st.size}:${st.ino}` : 'absent';
  }

  /** The resolved agents config, re-read if the file changed since the last call. */
  current(): ResolvedAgents {
    const stamp = this.#stampNow();
    if (stamp === this.#stamp) return this.#current;
    this.#stamp = stamp;
    try {
      this.#current = resolveAgents(stamp === 'absent' ? {} : loadConfig(this.#path).config, this.#env, dirname(this.#path));
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'config changed but is invalid; agents keep the last good config');
    }
    return this.#current;
  }
}
