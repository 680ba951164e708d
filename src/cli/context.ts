import { inertJson } from '../protocol/display-text.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { resolveStatePaths, type StatePaths } from '../config/paths.js';
import type { CliIo } from './io.js';

/** Global options every command shares. */
export interface GlobalOptions {
  url?: string;
  token?: string;
  profile?: string;
  json?: boolean;
  timeout?: string;
}

/** What a command gets: I/O, global options, and the state dir resolved once on first use. */
export class CliContext {
  #paths: StatePaths | undefined;
  /** An error already reported on stdout that should still set the exit code (main maps it). */
  failure: ClawgateError | undefined;

  constructor(
    readonly io: CliIo,
    readonly globals: GlobalOptions,
  ) {}

  get json(): boolean {
    return this.globals.json === true;
  }

  get timeoutMs(): number {
    if (this.globals.timeout === undefined) return 10_000;
    const ms = Number(this.globals.timeout);
    if (!Number.isInteger(ms) || ms <= 0 || ms > 600_000) throw new ClawgateError('USAGE', `--timeout takes milliseconds between 1 and 600000, not "${this.globals.timeout}"`);
    return ms;
  }

  get paths(): StatePaths {
    this.#paths ??= resolveStatePaths({ profile: this.globals.profile, env: this.io.env });
    return this.#paths;
  }

  /** Print a JSON document (stable shape) on stdout: exact data, with no raw control character a terminal acts on. */
  printJson(value: unknown): void {
    this.io.out(inertJson(value, 2));
  }
}
