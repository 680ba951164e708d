import type { Command } from 'commander';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import type { CliContext } from '../../context.js';
import type { GatewayServer } from '../../../gateway/server.js';

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
      // Signals are caught from the start: a SIGTERM during start-up still stops cleanly and releases the lock.
      let signalled: string | undefined;
      const stopRequested = new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          signalled ??= signal;
          resolve();
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
      // Loaded together: each import is its own set of bundle chunks, and one after another adds up at start.
      const [{ runGateway }, { createGatewayLogger, secretTracker }, { consoleLevelFromEnv }] = await Promise.all([
        import('../../../gateway/run.js'),
        import('../../../logging/logger.js'),
        import('../../../logging/levels.js'),
      ]);
      let running: GatewayServer | undefined;
      // The file opens on the first line, after runGateway holds the lock: a refused second gateway writes nothing.
      const logger = createGatewayLogger({
        logsDir: c.paths.logsDir,
        consoleLevel: consoleLevelFromEnv(c.io.env),
        console: (line) => c.io.err(line),
        secrets: secretTracker([c.globals.token, c.io.env['CLAWGATE_GATEWAY_TOKEN'], c.io.env['TELEGRAM_BOT_TOKEN']], () => running?.context.gatewayToken.secret?.reveal()),
      });
      const log = logger.log;
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
      running = server;
      log.info({ port: server.port, bind: server.host, stateDir: c.paths.stateDir, authMode: server.context.config.authMode, tokenSource: t.source, tokenFingerprint: t.secret?.fingerprint, logsDir: c.paths.logsDir }, 'gateway started');
      await stopRequested;
      c.io.out(`received ${signalled}, stopping`);
      log.info({ signal: signalled }, 'gateway stopping');
      await server.close();
      log.info({ uptimeMs: Date.now() - server.context.startedAtMs }, 'gateway stopped');
      logger.close();
    });
}
