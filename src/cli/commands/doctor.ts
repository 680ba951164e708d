import type { Command } from 'commander';
import { DoctorContext } from '../../doctor/context.js';
import { renderReport } from '../../doctor/render.js';
import { hasErrors, runDoctor } from '../../doctor/runner.js';
import { ClawgateError } from '../../protocol/error-catalogue.js';
import { CliContext } from '../context.js';
import { withGateway } from '../gateway-call.js';
import { status } from '../../protocol/methods/gateway-info.js';

/** Doctor's RPC budget: it must answer quickly when the gateway hangs. */
export const DOCTOR_RPC_TIMEOUT_MS = 3_000;

/** `clawgate doctor [--fix] [--json]`: every named check at once, each finding with its fix; --fix applies the safe ones. */
export function register(program: Command, ctx: () => CliContext): void {
  program
    .command('doctor')
    .description('check config, permissions, store, lock, port, tokens, pairing requests, logs and clock; --fix applies safe fixes')
    .option('--fix', 'apply safe fixes (chmod, stale lock, expired requests), keeping backups; never rotates a secret')
    .option('--json', 'print {checks, fixed} as JSON')
    .action(async (opts: { fix?: boolean; json?: boolean }) => {
      const c = ctx();
      const timeout = Math.min(c.timeoutMs, DOCTOR_RPC_TIMEOUT_MS);
      // Always this state dir's own gateway on loopback, never --url: doctor inspects this install.
      const rpc = new CliContext(c.io, { ...c.globals, timeout: String(timeout) });
      const makeContext = () =>
        new DoctorContext({
          paths: c.paths,
          env: c.io.env,
          tokenFlag: c.globals.token,
          statusRpc: (port, token) =>
            withGateway(rpc, [status], (client) => client.call(status), { url: `ws://127.0.0.1:${port}`, local: true, port, token }),
        });
      const report = await runDoctor(makeContext, { fix: opts.fix === true });
      if (opts.json || c.json) c.printJson(report);
      else c.io.out(renderReport(report, opts.fix === true));
      if (hasErrors(report)) {
        const errors = report.checks.filter((x) => x.status === 'error').map((x) => x.id);
        c.failure = new ClawgateError('DOCTOR_FINDINGS', `doctor found errors in: ${errors.join(', ')}`, { checks: errors });
      }
    });
}
