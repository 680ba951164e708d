import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { callGateway } from '../gateway-call.js';
import { resolveTarget } from '../gateway-target.js';
import { dashboardLinkCreate } from '../../protocol/methods/dashboard-link.js';

/** The dashboard's page for a gateway URL: same host and port, http for ws and https for wss. */
export function dashboardUrl(gatewayUrl: string): string {
  const u = new URL(gatewayUrl);
  u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
  u.pathname = '/';
  u.search = '';
  u.hash = '';
  return u.toString();
}

/**
 * `clawgate dashboard`: print (and open, where there is a desktop) a link that pairs the browser opening it.
 * The code rides in the URL fragment, which browsers never send to a server, so no request line or log holds it.
 */
export function register(program: Command, ctx: () => CliContext): void {
  program
    .command('dashboard')
    .description('open the web dashboard with a single-use pairing link (works once, for 1 minute)')
    .option('--no-open', 'print the link only; do not start a browser')
    .option('--json', 'print {url, link, expiresAtMs} as JSON')
    .action(async (opts: { open: boolean; json?: boolean }) => {
      const c = ctx();
      const base = dashboardUrl(resolveTarget(c).url);
      const issued = await callGateway(c, dashboardLinkCreate);
      const link = `${base}#code=${issued.code}`;
      if (opts.json || c.json) {
        c.printJson({ url: base, link, expiresAtMs: issued.expiresAtMs });
        return;
      }
      c.io.out(`Dashboard: ${base}`);
      c.io.out(`Pairing link (works once, for 1 minute; it pairs the browser that opens it, nothing else):`);
      c.io.out(`  ${link}`);
      const opened = opts.open && c.io.openUrl ? await c.io.openUrl(link) : false;
      if (opened) c.io.out('Opened in your browser.');
      else if (opts.open) c.io.out('No desktop browser to start here: open the link in a browser on this machine. Expired? Run clawgate dashboard again.');
    });
}
