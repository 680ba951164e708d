import { accessSync, constants, lstatSync, openSync, closeSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DoctorCheck } from '../types.js';
import { finding } from '../types.js';

/** logs-writable: the logs dir exists (or can be created) and a file can be written in it. */
export const logsWritable: DoctorCheck = {
  id: 'logs-writable',
  run(ctx) {
    const dir = ctx.paths.logsDir;
    let st;
    try {
      st = lstatSync(dir);
    } catch {
      try {
        accessSync(dirname(dir), constants.W_OK);
        return { summary: `${dir} does not exist yet; the gateway creates it (0700)`, findings: [] };
      } catch (err) {
        return { summary: `${dir} cannot be created`, findings: [finding('logs-not-creatable', 'error', `${dir} is missing and ${dirname(dir)} is not writable (${(err as NodeJS.ErrnoException).code})`, `make ${dirname(dir)} writable by this user (chmod 700)`)] };
      }
    }
    if (!st.isDirectory()) {
      return { summary: `${dir} is not a directory`, findings: [finding('logs-not-dir', 'error', `${dir} exists but is not a directory; the gateway cannot write logs`, `move ${dir} aside (mv ${dir} ${dir}.old)`)] };
    }
    // A real write, not access(): root passes access() on read-only mounts too.
    const probe = join(dir, `.doctor-${randomBytes(6).toString('hex')}.tmp`);
    try {
      closeSync(openSync(probe, 'wx', 0o600));
      rmSync(probe, { force: true });
    } catch (err) {
      return { summary: `${dir} is not writable`, findings: [finding('logs-not-writable', 'error', `cannot write in ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, `chmod 700 ${dir}, and check the disk is not full or read-only`)] };
    }
    return { summary: `${dir} is writable`, findings: [] };
  },
};
