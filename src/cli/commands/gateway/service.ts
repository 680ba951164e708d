import type { Command } from 'commander';
import { realpathSync } from 'node:fs';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { launchdPlist, serviceInstallPath, systemdUnit } from '../../../service/unit-files.js';
import { writeFileAtomic } from '../../../util/atomic-write.js';
import type { CliContext } from '../../context.js';

/**
 * `clawgate gateway service [--format systemd|launchd] [--write]`: print (or install) a service
 * definition. It never contains a secret: the gateway reads its token from config at every start.
 */
export function register(gateway: Command, ctx: () => CliContext): void {
  gateway
    .command('service')
    .description('print a systemd user unit (or launchd plist) for this state dir; --write installs it')
    .option('--format <format>', 'systemd or launchd', process.platform === 'darwin' ? 'launchd' : 'systemd')
    .option('--write', 'write it to the per-user service directory instead of printing it')
    .action((opts: { format: string; write?: boolean }) => {
      const c = ctx();
      if (opts.format !== 'systemd' && opts.format !== 'launchd') throw new ClawgateError('USAGE', `--format takes systemd or launchd, not "${opts.format}"`);
      const spec = { nodePath: process.execPath, cliEntry: realpathSync(process.argv[1]!), stateDir: c.paths.stateDir };
      const text = opts.format === 'systemd' ? systemdUnit(spec) : launchdPlist(spec);
      if (!opts.write) {
        c.io.out(text);
        return;
      }
      const path = serviceInstallPath(opts.format, c.io.env['HOME'] || undefined);
      writeFileAtomic(path, text);
      const next = opts.format === 'systemd' ? 'systemctl --user daemon-reload && systemctl --user enable --now clawgate' : `launchctl load ${path}`;
      c.io.out(`wrote ${path}; activate it with: ${next}`);
    });
}
