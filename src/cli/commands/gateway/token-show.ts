import type { Command } from 'commander';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import type { CliContext } from '../../context.js';
import { resolveTarget } from '../../gateway-target.js';

/** `clawgate gateway token show [--show-secret]`: source and fingerprint; the value only to a terminal, on request. */
export function register(token: Command, ctx: () => CliContext): void {
  token
    .command('show')
    .description('show where this CLI gets the gateway token and its fingerprint')
    .option('--show-secret', 'also print the token itself (terminal only)')
    .action((opts: { showSecret?: boolean }) => {
      const c = ctx();
      const { token: resolved } = resolveTarget(c);
      if (!resolved.secret) {
        c.io.out('No gateway token: none in --token, CLAWGATE_GATEWAY_TOKEN or gateway.auth.token (the gateway generates one on first start)');
        return;
      }
      if (opts.showSecret && !c.io.isTTY) throw new ClawgateError('USAGE', 'refusing to print the gateway token to something that is not a terminal (a pipe, a file, a log)');
      if (c.json) c.printJson({ source: resolved.source, fingerprint: resolved.secret.fingerprint });
      else c.io.out(`gateway token from ${resolved.source}: ${resolved.secret.fingerprint}`);
      if (opts.showSecret) c.io.out(resolved.secret.reveal());
    });
}
