import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { describeCounts, describeFiles } from '../../../backup/describe.js';
import { verifyBackup } from '../../../backup/verify.js';
import { stateDirIdOf } from '../../../util/state-dir-id.js';
import type { CliContext } from '../../context.js';

/** `clawgate backup verify FILE`: exit 0 when every check passes, 11 (BACKUP_INVALID) when any fails. */
export function register(backup: Command, ctx: () => CliContext): void {
  backup
    .command('verify')
    .description('check a backup: entries, manifest, every checksum, store integrity and schema version (changes nothing)')
    .argument('<file>', 'backup archive')
    .option('--json', 'print {ok, archive, manifest} as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const c = ctx();
      // A private temp dir outside the state dir: verify never writes to the install.
      const dir = mkdtempSync(join(tmpdir(), 'clawgate-verify-'));
      try {
        const v = await verifyBackup(resolve(file), dir);
        const m = v.manifest;
        if (opts.json || c.json) {
          c.printJson({ ok: true, archive: v.archive, integrity: v.integrity, manifest: m });
          return;
        }
        const origin = m.stateDirId === stateDirIdOf(c.paths.stateDir) ? 'this state dir' : `another state dir (id ${m.stateDirId})`;
        c.io.out(
          [
            `Backup OK: ${v.archive}`,
            `Created ${m.createdAt} by Clawgate ${m.clawgateVersion} from ${origin} (format ${m.formatVersion})`,
            ...describeFiles(m),
            `Store: integrity ok, schema ${m.schemaVersion}, ${describeCounts(m.counts)}`,
            `Restore with: clawgate backup restore ${v.archive}`,
          ].join('\n'),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
}
