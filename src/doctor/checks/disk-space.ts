import { statfsSync } from 'node:fs';
import { mountPointOf } from '../../util/storage-error.js';
import type { DoctorCheck } from '../types.js';
import { finding } from '../types.js';

/** Under this much free space on the state dir's disk doctor warns: logs, backups and the store grow. */
export const DISK_LOW_BYTES = 100 * 1024 * 1024;
/** Under this much the gateway cannot be trusted to write its store, lock and logs at all: an error. */
export const DISK_FULL_BYTES = 1024 * 1024;
/** Under this many free inodes new files (temp files, log files) cannot be created. */
const FEW_INODES = 100;

function human(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${Math.floor(bytes / 1024)} KiB`;
}

/** disk-space: free space (and inodes) on the filesystem that holds the state dir (statfs). */
export const diskSpace: DoctorCheck = {
  id: 'disk-space',
  run(ctx) {
    const mount = mountPointOf(ctx.paths.stateDir);
    let st;
    try {
      st = statfsSync(mount);
    } catch (err) {
      return { summary: `cannot read free space of ${mount}`, findings: [finding('disk-unknown', 'info', `statfs ${mount} failed (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)] };
    }
    const free = st.bavail * st.bsize;
    const fix = `free space on ${mount} (df -h ${mount}; old backups and logs in ${ctx.paths.logsDir} are the usual suspects), or move the state dir to a larger disk`;
    const summary = `${human(free)} free on ${mount}`;
    // tmpfs and some network filesystems report no inode limit (files = 0).
    if (st.files > 0 && st.ffree < FEW_INODES) {
      return { summary, findings: [finding('disk-no-inodes', 'error', `only ${st.ffree} free inodes on ${mount}: new files (temp files, logs) cannot be created`, fix)] };
    }
    if (free < DISK_FULL_BYTES) {
      return { summary, findings: [finding('disk-full', 'error', `the disk that holds ${ctx.paths.stateDir} is full (${human(free)} free on ${mount}): config, store, lock and log writes fail with DISK_FULL`, fix)] };
    }
    if (free < DISK_LOW_BYTES) {
      return { summary, findings: [finding('disk-low', 'warn', `only ${human(free)} free on ${mount}, which holds ${ctx.paths.stateDir} (under ${human(DISK_LOW_BYTES)})`, fix)] };
    }
    return { summary, findings: [] };
  },
};
