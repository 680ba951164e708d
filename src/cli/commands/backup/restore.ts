import type { Command } from 'commander';
import { describeCounts, describeDiff } from '../../../backup/describe.js';
import { restoreBackup } from '../../../backup/restore.js';
import type { CliContext } from '../../context.js';

/** `clawgate backup restore FILE [--yes]`: shows what would roll back; activates only with --yes. */
export function register(backup: Command, ctx: () => CliContext): void {
  backup
    .command('restore')
    .description('restore a backup: verify, show what would roll back, and with --yes put it in place (the replaced state is kept)')
    .argument('<file>', 'backup archive')
    .option('--yes', 'activate the backup (without it nothing changes)')
    .option('--json', 'print {archive, activated, replacedDir, manifest, diff} as JSON')
    .action(async (file: string, opts: { yes?: boolean; json?: boolean }) => {
      const c = ctx();
      const r = await restoreBackup(c.paths, file, { yes: opts.yes === true });
      if (opts.json || c.json) {
        c.printJson({ archive: r.archive, activated: r.activated, replacedDir: r.replacedDir, manifest: r.manifest, diff: r.diff });
        return;
      }
      const m = r.manifest;
      const diff = describeDiff(r.diff);
      const lines = [
        `Backup ${r.archive} verified: created ${m.createdAt}, schema ${m.schemaVersion}, ${describeCounts(m.counts)}`,
        diff.length === 0 ? `The state dir ${c.paths.stateDir} already matches the backup.` : `Restoring rolls ${c.paths.stateDir} back to the backup:`,
        ...diff,
      ];
      if (!r.activated) {
        lines.push('', `Nothing was changed. To activate this backup, re-run with --yes: clawgate backup restore ${r.archive} --yes`);
      } else {
        lines.push(
          '',
          `Restored. The replaced state is kept in ${r.replacedDir}`,
          'Start the gateway with: clawgate gateway run (devices whose token changed reconnect with the gateway token or are approved again)',
        );
      }
      c.io.out(lines.join('\n'));
    });
}
