import { Command, CommanderError } from 'commander';
import { ClawgateError, type ErrorKind } from '../protocol/error-catalogue.js';
import { VERSION } from '../version.js';
import { CliContext, type GlobalOptions } from './context.js';
import type { CliIo } from './io.js';
import { COMMAND_LOADERS, commandName } from './command-table.js';
import { storageError } from '../util/storage-error.js';

/** Exit codes by error kind; documented in docs/cli.md. The only place errors become exit codes. */
export const EXIT_CODES: Record<ErrorKind, number> = {
  internal: 1,
  'not-found': 1,
  usage: 2,
  config: 2,
  unreachable: 3,
  auth: 4,
  pairing: 5,
  scope: 6,
  conflict: 7,
  protocol: 8,
  unavailable: 9,
  'port-in-use': 10,
  findings: 12,
  backup: 11,
  provider: 13,
  storage: 14,
  aborted: 130,
};

async function build(io: CliIo, holder: { ctx?: CliContext }, argv: readonly string[]): Promise<Command> {
  const output = { writeOut: (s: string) => io.out(s.trimEnd()), writeErr: (s: string) => io.err(s.trimEnd()) };
  const program = new Command('clawgate')
    .description('Clawgate: a self-hosted AI agent gateway (OpenClaw protocol v3)')
    .version(VERSION)
    .option('--url <url>', 'gateway WebSocket URL (default: ws://127.0.0.1:<gateway.port>)')
    .option('--token <token>', 'gateway token (default: CLAWGATE_GATEWAY_TOKEN, then gateway.auth.token)')
    .option('--profile <name>', 'use ~/.clawgate-<name> as the state dir')
    .option('--json', 'machine-readable output')
    .option('--timeout <ms>', 'request timeout in milliseconds', undefined)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput(output);
  const ctx = () => (holder.ctx ??= new CliContext(io, program.opts<GlobalOptions>()));
  // Only the command being run is loaded; help and unknown commands load them all.
  const name = commandName(argv);
  const versionOnly = name === undefined && argv.some((a) => a === '-V' || a === '--version');
  const names = versionOnly ? [] : name !== undefined && Object.hasOwn(COMMAND_LOADERS, name) ? [name] : Object.keys(COMMAND_LOADERS);
  const groups: Command[] = [];
  for (const n of names) groups.push(...(await COMMAND_LOADERS[n]!(program, ctx))); // in order: help lists them stably
  for (const sub of [program, ...groups]) sub.exitOverride().configureOutput(output);
  return program;
}

/** Run the CLI with injected I/O; resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const holder: { ctx?: CliContext } = {};
  try {
    const program = await build(io, holder, argv);
    await program.parseAsync([...argv], { from: 'user' });
    const failure = holder.ctx?.failure;
    return failure ? EXIT_CODES[failure.kind] : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return EXIT_CODES.usage;
    }
    // A full or read-only disk is named wherever it surfaced, not reported as an unexpected failure.
    const known = err instanceof ClawgateError ? err : storageError(err);
    if (known) {
      io.err(`error: ${known.message}`);
      return EXIT_CODES[known.kind];
    }
    io.err(`error: unexpected failure: ${(err as Error)?.message ?? String(err)}`);
    return EXIT_CODES.internal;
  }
}
