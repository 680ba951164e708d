import type { Command } from 'commander';
import { createBackup, type BackupProgress } from '../../../backup/create.js';
import { describeCounts, describeFiles, formatBytes } from '../../../backup/describe.js';
import type { CliContext } from '../../context.js';

/** Stores at least this large show progress on stderr while they are copied and compressed. */
export const PROGRESS_MIN_BYTES = 16 * 1024 * 1024;
/** Progress is printed every this many percent. */
const PROGRESS_STEP_PERCENT = 10;

function progressPrinter(c: CliContext): (p: BackupProgress, storeBytes: number) => void {
  const last = { copy: -1, archive: -1 };
  return (p, storeBytes) => {
    if (storeBytes < PROGRESS_MIN_BYTES || p.total <= 0) return;
    const pct = Math.min(100, Math.floor((p.done / p.total) * 100 / PROGRESS_STEP_PERCENT) * PROGRESS_STEP_PERCENT);
    if (pct <= last[p.phase]) return;
    last[p.phase] = pct;
    c.io.err(p.phase === 'copy' ? `copying state.db (${formatBytes(storeBytes)}): ${pct}%` : `compressing: ${pct}%`);
  };
}

/** `clawgate backup create [--out FILE]`. */
export function register(backup: Command, ctx: () => CliContext): void {
  backup
    .command('create')
    .description('write one archive (0600) with a consistent copy of state.db, clawgate.json and identity/, plus a manifest of checksums')
    .option('--out <file>', 'archive path (default: <state>/backups/clawgate-backup-<UTC time>.tar.gz)')
    .option('--json', 'print {path, archiveBytes, manifest} as JSON')
    .action(async (opts: { out?: string; json?: boolean }) => {
      const c = ctx();
      const made = await createBackup(c.paths, { out: opts.out, onProgress: progressPrinter(c) });
      if (opts.json || c.json) {
        c.printJson(made);
        return;
      }
      c.io.out(
        [
          `Backup written: ${made.path} (${formatBytes(made.archiveBytes)}, mode 0600)`,
          ...describeFiles(made.manifest),
          `Store: schema ${made.manifest.schemaVersion}, ${describeCounts(made.manifest.counts)}`,
          `Check it with: clawgate backup verify ${made.path}`,
        ].join('\n'),
      );
    });
}
