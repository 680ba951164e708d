import { existsSync } from 'node:fs';
import Database from '../../store/sqlite-driver.js';
import { MIGRATIONS } from '../../store/migrations.js';
import { DOCTOR_BUSY_TIMEOUT_MS } from '../read-only-store.js';
import type { DoctorCheck, DraftFinding } from '../types.js';
import { finding } from '../types.js';

/** Lines of integrity_check output quoted in the finding. */
const MAX_PROBLEM_LINES = 5;

/** store-integrity: PRAGMA integrity_check and the schema version, on a read-only handle; never modifies. */
export const storeIntegrity: DoctorCheck = {
  id: 'store-integrity',
  run(ctx) {
    const path = ctx.paths.dbPath;
    if (!existsSync(path)) return { summary: `no ${path} yet (created on the gateway's first start)`, findings: [] };
    const restore = `stop the gateway, move ${path} aside and restore a backup (clawgate backup restore FILE)`;
    let db: Database.Database | undefined;
    try {
      db = new Database(path, { readonly: true, fileMustExist: true, timeout: DOCTOR_BUSY_TIMEOUT_MS });
      const version = db.pragma('user_version', { simple: true }) as number;
      const rows = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
      const findings: DraftFinding[] = [];
      if (!(rows.length === 1 && rows[0] === 'ok')) {
        findings.push(finding('store-corrupt', 'error', `integrity_check failed: ${rows.slice(0, MAX_PROBLEM_LINES).join('; ')}${rows.length > MAX_PROBLEM_LINES ? ` (+${rows.length - MAX_PROBLEM_LINES} more)` : ''}`, restore));
      }
      const known = MIGRATIONS.length;
      if (version > known) {
        findings.push(finding('store-too-new', 'error', `schema version ${version} is newer than this Clawgate understands (${known})`, 'upgrade Clawgate (or restore a backup made by this version)'));
      } else if (version < known) {
        findings.push(finding('store-needs-migration', 'info', `schema version ${version}; this Clawgate migrates it to ${known} on the gateway's next start (a backup is written first)`, 'restart the gateway (clawgate gateway restart)'));
      }
      return { summary: findings.length === 0 ? `integrity ok, schema version ${version} (current)` : `schema version ${version}`, findings };
    } catch (err) {
      return { summary: `${path} cannot be read`, findings: [finding('store-unreadable', 'error', `cannot read ${path}: ${(err as Error).message}`, restore)] };
    } finally {
      db?.close();
    }
  },
};
