import type { Command } from 'commander';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import type { CliContext } from '../../context.js';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ClawgateError('USAGE', `--port takes 0-65535, not "${value}"`);
  return port;
}

/** `clawgate gateway run`: run the gateway in the foreground until SIGINT/SIGTERM. */
export function register(gateway: Command, ctx: () => CliContext): void {
  gateway
    .command('run')
    .description('run the gateway in the foreground')
    .option('--port <port>', 'listen port (overrides gateway.port)')
    .option('--bind <bind>', 'loopback, lan, or an address (overrides gateway.bind)')
    .action(async (opts: { port?: string; bind?: string }) => {
      const c = ctx();
      const { runGateway } = await import('../../../gateway/run.js');
      const pino = (await import('pino')).default;
      const log = pino({ level: c.io.env['CLAWGATE_LOG_LEVEL'] ?? 'info', base: undefined, redact: { paths: ['token', '*.token', '*.deviceToken', '*.password'], censor: '[redacted]' } }, pino.destination(2));
      const server = await runGateway({
        paths: c.paths,
        port: opts.port !== undefined ? parsePort(opts.port) : undefined,
        bind: opts.bind,
        tokenFlag: c.globals.token,
        env: c.io.env,
        log,
        onTokenGenerated: (fp, path) => c.io.out(`generated a gateway token (${fp}) and saved it to ${path}`),
      });
      const t = server.context.gatewayToken;
      const auth = server.context.config.authMode === 'none' ? 'auth none (loopback only)' : `token from ${t.source} (${t.secret?.fingerprint})`;
      c.io.out(`clawgate gateway listening on ws://${server.host}:${server.port} (state dir ${c.paths.stateDir}; ${auth})`);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          c.io.out(`received ${signal}, stopping`);
          resolve();
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
      await server.close();
    });
}
