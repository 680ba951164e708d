import { chmodSync, lstatSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { DoctorCheck, DraftFinding } from '../types.js';
import { finding } from '../types.js';

/** Entries looked at per directory; more than this is not an install we made. */
const MAX_ENTRIES = 1_000;
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

function entries(dir: string): string[] {
  try {
    return readdirSync(dir).slice(0, MAX_ENTRIES).map((n) => join(dir, n));
  } catch {
    return [];
  }
}

function statOf(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** Logs are redacted and the lock holds no secret: too-open modes there are a warning, elsewhere an error. */
function severityFor(path: string, logsDir: string, lockPath: string): 'warn' | 'error' {
  return path === lockPath || path === logsDir || path.startsWith(`${logsDir}/`) ? 'warn' : 'error';
}

/**
 * state-dir-permissions: the state dir and its identity/ and logs/ dirs are 0700, every file in them 0600
 * (clawgate.json, state.db and its -wal/-shm, identity files, logs, backups). --fix chmods (never follows
 * symlinks); the old mode is recorded in the report.
 */
export const stateDirPermissions: DoctorCheck = {
  id: 'state-dir-permissions',
  run(ctx) {
    const { stateDir, identityDir, logsDir, lockPath } = ctx.paths;
    const uid = process.getuid?.();
    const findings: DraftFinding[] = [];
    let looked = 0;
    const inspect = (path: string, st: Stats) => {
      looked++;
      if (st.isSymbolicLink()) {
        findings.push(finding('state-symlink', 'warn', `${path} is a symlink; doctor leaves it alone`, 'replace it with the real file or dir if the link was not intended'));
        return;
      }
      if (uid !== undefined && st.uid !== uid) {
        findings.push(finding('state-owner', 'warn', `${path} is owned by uid ${st.uid}, not by this user (uid ${uid})`, `chown it to the user that runs the gateway, or run clawgate as that user`));
      }
      const want = st.isDirectory() ? DIR_MODE : FILE_MODE;
      if ((st.mode & 0o077) === 0) return;
      const had = st.mode & 0o777;
      findings.push(
        finding('permissions-too-open', severityFor(path, logsDir, lockPath), `${path} is ${octal(had)}, should be ${octal(want)}`, `chmod ${want.toString(8)} ${path}`, () => {
          // Re-check at fix time: never chmod through a symlink that appeared meanwhile.
          const now = lstatSync(path);
          if (now.isSymbolicLink()) throw new Error(`${path} became a symlink; left alone`);
          chmodSync(path, want);
          return { action: `chmod ${path} ${octal(now.mode)} -> ${octal(want)}` };
        }),
      );
    };
    const root = statOf(stateDir);
    if (!root) return { summary: `state dir ${stateDir} does not exist`, findings: [finding('state-dir-missing', 'error', `state dir ${stateDir} is missing`, 'run clawgate gateway run once to create it')] };
    inspect(stateDir, root);
    for (const path of entries(stateDir)) {
      const st = statOf(path);
      if (!st) continue;
      if (st.isFile() || st.isSymbolicLink()) inspect(path, st);
      else if (st.isDirectory() && (path === identityDir || path === logsDir)) {
        inspect(path, st);
        for (const inner of entries(path)) {
          const ist = statOf(inner);
          if (ist && (ist.isFile() || ist.isSymbolicLink())) inspect(inner, ist);
        }
      }
    }
    return { summary: findings.length === 0 ? `${looked} paths private (dirs 0700, files 0600)` : `${findings.length} of ${looked} paths need attention`, findings };
  },
};
