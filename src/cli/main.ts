import { Command, CommanderError } from 'commander';
import { ClawgateError, type ErrorKind } from '../protocol/error-catalogue.js';
import { VERSION } from '../version.js';
import { CliContext, type GlobalOptions } from './context.js';
import type { CliIo } from './io.js';
import * as configGet from './commands/config/get.js';
import * as configSet from './commands/config/set.js';
import * as backupCreate from './commands/backup/create.js';
import * as backupRestore from './commands/backup/restore.js';
import * as backupVerify from './commands/backup/verify.js';
import * as configUnset from './commands/config/unset.js';
import * as devicesApprove from './commands/devices/approve.js';
import * as devicesList from './commands/devices/list.js';
import * as devicesReject from './commands/devices/reject.js';
import * as devicesRemove from './commands/devices/remove.js';
import * as devicesRevoke from './commands/devices/revoke.js';
import * as devicesRotate from './commands/devices/rotate.js';
import * as gatewayRestart from './commands/gateway/restart.js';
import * as gatewayRun from './commands/gateway/run.js';
import * as gatewayService from './commands/gateway/service.js';
import * as gatewayStart from './commands/gateway/start.js';
import * as gatewayStatus from './commands/gateway/status.js';
import * as gatewayStop from './commands/gateway/stop.js';
import * as gatewayTokenRotate from './commands/gateway/token-rotate.js';
import * as gatewayTokenShow from './commands/gateway/token-show.js';
import * as health from './commands/health.js';
import * as status from './commands/status.js';
import * as logs from './commands/logs.js';
import * as doctor from './commands/doctor.js';

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
};

function build(io: CliIo, holder: { ctx?: CliContext }): Command {
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
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  const ctx = () => (holder.ctx ??= new CliContext(io, program.opts<GlobalOptions>()));

  const gateway = program.command('gateway').description('run and inspect the gateway');
  for (const cmd of [gatewayRun, gatewayStart, gatewayStop, gatewayRestart, gatewayStatus, gatewayService]) cmd.register(gateway, ctx);
  const gatewayToken = gateway.command('token').description('inspect and rotate the gateway token');
  for (const cmd of [gatewayTokenRotate, gatewayTokenShow]) cmd.register(gatewayToken, ctx);
  health.register(program, ctx);
  status.register(program, ctx);
  logs.register(program, ctx);
  doctor.register(program, ctx);
  const devices = program.command('devices').description('pair, approve and manage devices');
  for (const cmd of [devicesList, devicesApprove, devicesReject, devicesRemove, devicesRotate, devicesRevoke]) cmd.register(devices, ctx);
  const config = program.command('config').description('read and change clawgate.json (validated)');
  for (const cmd of [configGet, configSet, configUnset]) cmd.register(config, ctx);
  const backup = program.command('backup').description('create, verify and restore backups of the state dir');
  for (const cmd of [backupCreate, backupVerify, backupRestore]) cmd.register(backup, ctx);
  for (const sub of [program, gateway, gatewayToken, devices, config, backup]) sub.exitOverride().configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  return program;
}

/** Run the CLI with injected I/O; resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const holder: { ctx?: CliContext } = {};
  const program = build(io, holder);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    const failure = holder.ctx?.failure;
    return failure ? EXIT_CODES[failure.kind] : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return EXIT_CODES.usage;
    }
    if (err instanceof ClawgateError) {
      io.err(`error: ${err.message}`);
      return EXIT_CODES[err.kind];
    }
    io.err(`error: unexpected failure: ${(err as Error)?.message ?? String(err)}`);
    return EXIT_CODES.internal;
  }
}
