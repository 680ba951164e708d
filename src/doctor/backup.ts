import { chmodSync, copyFileSync } from 'node:fs';

/** Suffix for files doctor keeps before changing something: `<file>.doctor-<UTC stamp>.bak`. */
export function backupPathFor(path: string, nowMs = Date.now()): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${path}.doctor-${stamp}.bak`;
}

/** Copy a file aside (0600) before doctor changes or removes it; returns the backup path. */
export function backupFile(path: string, nowMs = Date.now()): string {
  const backup = backupPathFor(path, nowMs);
  copyFileSync(path, backup);
  chmodSync(backup, 0o600);
  return backup;
}
