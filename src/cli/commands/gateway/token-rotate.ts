import type { Command } from 'commander';
import { resolveGatewayToken } from '../../../auth/gateway-token.js';
import { fingerprintOf } from '../../../auth/secret.js';
import { mintToken } from '../../../auth/tokens.js';
import { loadConfig, writeConfig } from '../../../config/load.js';
import { setPath } from '../../../config/key-path.js';
import { ownerAlive, readLock } from '../../../util/gateway-lock.js';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import type { ResultOf } from '../../../protocol/methods/index.js';
import type { CliContext } from '../../context.js';
import { withGateway } from '../../gateway-call.js';
import { resolveTarget } from '../../gateway-target.js';
import { status } from '../../../protocol/methods/gateway-info.js';
import { gatewayTokenReload } from '../../../protocol/methods/gateway-token.js';

/**
 * `clawgate gateway token rotate`: a new token in config, the running gateway told to use it, and the
 * list of what else must learn it. Nothing ever rotates the gateway token silently.
 */
export function register(token: Command, ctx: () => CliContext): void {
  token
    .command('rotate')
    .description('generate a new gateway token, save it to config and make the running gateway use it')
    .option('--json', 'print the result as JSON (fingerprints only)')
    .action(async (opts: { json?: boolean }) => {
      const c = ctx();
      if (c.globals.url) throw new ClawgateError('USAGE', 'gateway token rotate changes this host\'s config; run it on the gateway host without --url');
      const { config } = loadConfig(c.paths.configPath);
      const oldFingerprint = config.gateway?.auth?.token ? fingerprintOf(config.gateway.auth.token) : undefined;
      const lock = readLock(c.paths.lockPath);
      const running = lock !== undefined && ownerAlive(lock);
      const next = mintToken();
      const write = () => writeConfig(c.paths.configPath, setPath(config, 'gateway.auth.token', next));
      let reload: ResultOf<typeof gatewayTokenReload> | undefined;
      if (running) {
        // Connect with the current credentials first: after the write, this CLI's old token is gone.
        reload = await withGateway(
          c,
          [gatewayTokenReload, status],
          async (client) => {
            const st = await client.call(status);
            if (st.auth.token.source === 'env' || st.auth.token.source === 'flag') {
              throw new ClawgateError('USAGE', `the running gateway takes its token from ${st.auth.token.source === 'env' ? 'CLAWGATE_GATEWAY_TOKEN in its environment' : 'its --token flag'}, which config cannot override; change it there and restart the gateway`);
            }
            write();
            return client.call(gatewayTokenReload);
          },
          resolveTarget(c),
        );
      } else {
        write();
      }
      const newFingerprint = fingerprintOf(next);
      const cliSource = resolveGatewayToken({ env: c.io.env, flag: c.globals.token, config: next }).source;
      const mustLearn = [
        'CLIs on other hosts that pass --token or set CLAWGATE_GATEWAY_TOKEN',
        'service definitions or scripts that export CLAWGATE_GATEWAY_TOKEN',
        ...(cliSource !== 'config' ? [`this shell: CLAWGATE_GATEWAY_TOKEN or --token still hold the old token and override config`] : []),
      ];
      const result = {
        oldFingerprint: oldFingerprint ?? null,
        newFingerprint,
        configPath: c.paths.configPath,
        gateway: running ? { pid: lock!.pid, applied: reload?.fingerprint === newFingerprint } : null,
        mustLearn,
        unaffected: 'paired devices keep their device tokens',
      };
      if (opts.json || c.json) {
        c.printJson(result);
        return;
      }
      const lines = [
        `New gateway token ${newFingerprint} saved to ${c.paths.configPath}${oldFingerprint ? ` (was ${oldFingerprint}; the previous file is kept as clawgate.json.bak)` : ''}.`,
        running
          ? result.gateway!.applied
            ? `The running gateway (pid ${lock!.pid}) uses it now; open connections stay open.`
            : `The running gateway (pid ${lock!.pid}) did not apply it; restart it: clawgate gateway restart`
          : 'No gateway is running; it will use the new token when it starts.',
        'Also update what else holds the old token:',
        ...mustLearn.map((m) => `  - ${m}`),
        'Paired devices are not affected (they use device tokens). To see the token itself on this terminal: clawgate gateway token show --show-secret',
      ];
      c.io.out(lines.join('\n'));
    });
}
