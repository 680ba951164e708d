import { hostname } from 'node:os';
import type { Command } from 'commander';
import { ClawgateError } from '../../protocol/error-catalogue.js';
import { MAX_MESSAGE_CHARS } from '../../protocol/limits.js';
import { parseSessionKey } from '../../protocol/session-key.js';
import type { TuiApp } from '../../tui/app.js';
import { firstFrame } from '../../tui/first-paint.js';
import { guardTerminal } from '../../tui/terminal-guard.js';
import { colorWanted, makeTheme } from '../../tui/theme.js';
import type { CliContext } from '../context.js';
import { resolveTarget } from '../gateway-target.js';
import { sessionKeyFor } from '../session-arg.js';

interface TuiFlags {
  agent?: string;
  session?: string;
  message?: string;
}

/** `clawgate tui`: the owner's chat screen, a paired device of this host like the CLI. */
export function register(program: Command, ctx: () => CliContext): void {
  program
    .command('tui')
    .description('chat with an agent in a terminal screen; answer exec approvals and pairing requests in place')
    .option('--agent <id>', "the agent (default: the default agent); its main session unless --session")
    .option('--session <key>', 'the session key, e.g. agent:main:main')
    .option('-m, --message <text>', 'send this message as soon as the session is shown')
    .action(async (opts: TuiFlags) => {
      const c = ctx();
      if (!process.stdin.isTTY || !process.stdout.isTTY) throw new ClawgateError('USAGE', 'clawgate tui needs a terminal (stdin and stdout a TTY); for scripts use: clawgate agent -m TEXT');
      const sessionKey = opts.session !== undefined || opts.agent !== undefined ? sessionKeyFor(opts) : undefined;
      if (sessionKey !== undefined) parseSessionKey(sessionKey, 'main'); // malformed keys fail here, before the screen
      if (opts.message !== undefined && (opts.message.trim() === '' || opts.message.length > MAX_MESSAGE_CHARS)) throw new ClawgateError('USAGE', `--message takes 1-${MAX_MESSAGE_CHARS} characters`);
      const target = resolveTarget(c);
      const color = colorWanted(c.io.env);
      const gatewayLabel = target.url.replace(/^wss?:\/\//, '');
      let app: TuiApp | undefined;
      const guard = guardTerminal({
        stdin: process.stdin,
        fd: 1,
        onSignal: () => {
          if (app) return app.exit(0);
          guard.restore();
          process.exit(143);
        },
      });
      // The header goes up before the terminal library loads (most of the start-up time).
      process.stdout.write(firstFrame({ gateway: gatewayLabel, agentId: opts.agent ?? '…', sessionKey: sessionKey ?? 'main', connection: 'connecting' }, process.stdout.columns || 80, color));
      // Everything else loads after the first frame: the client, the identity, the terminal library.
      const [{ TuiApp: App }, { ProcessTerminal }, { loadOrCreateIdentity }, { TokenCache }, { inCliTerms }] = await Promise.all([
        import('../../tui/app.js'),
        import('@mariozechner/pi-tui'),
        import('../../client/identity.js'),
        import('../../client/token-cache.js'),
        import('../token-refusal.js'),
      ]);
      const identity = loadOrCreateIdentity(c.paths.identityPath);
      const code = await new Promise<number>((resolve) => {
        app = new App({
          client: { url: target.url, gatewayToken: target.token.secret, identity, tokenCache: new TokenCache(c.paths.tokenCachePath, identity.deviceId), clientId: 'clawgate-tui', clientMode: 'tui', displayName: `clawgate tui on ${hostname()}`, timeoutMs: c.timeoutMs },
          gatewayLabel,
          agentId: opts.agent,
          sessionKey,
          message: opts.message,
          terminal: new ProcessTerminal(),
          theme: makeTheme(color),
          explain: (err) => {
            if (err instanceof ClawgateError && err.code === 'GATEWAY_UNREACHABLE' && target.local) {
              return new ClawgateError('GATEWAY_UNREACHABLE', `the gateway is not running (nothing answers on 127.0.0.1:${target.port}); start it with: clawgate gateway start`, err.details);
            }
            return inCliTerms(err, target, c.paths.configPath);
          },
          onExit: (exitCode) => {
            guard.restore();
            guard.dispose();
            resolve(exitCode);
          },
        });
        app.start();
      });
      if (code !== 0) c.failure = new ClawgateError('INTERNAL', `clawgate tui exited with ${code}`);
    });
}
