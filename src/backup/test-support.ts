import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import Database from '../store/sqlite-driver.js';

/** Rows a restore must bring back exactly (timestamps that every connect touches are left out). */
export interface PairingRows {
  devices: unknown[];
  tokens: unknown[];
  pending: unknown[];
}

/** Read the pairing rows of a state dir's store (read-only). */
export function pairingRows(stateDir: string): PairingRows {
  const db = new Database(join(stateDir, 'state.db'), { readonly: true, fileMustExist: true });
  try {
    return {
      devices: db.prepare('SELECT device_id, public_key, display_name, client_id, roles, approved_scopes, created_at_ms, approved_at_ms FROM devices ORDER BY device_id').all(),
      tokens: db.prepare('SELECT device_id, role, token_hash, scopes, created_at_ms, rotated_at_ms, revoked_at_ms FROM device_tokens ORDER BY device_id, role').all(),
      pending: db.prepare('SELECT request_id, device_id, public_key, role, roles, scopes, reason, expires_at_ms FROM pending_requests ORDER BY request_id').all(),
    };
  } finally {
    db.close();
  }
}

/** Path -> SHA-256 of every file under a dir (except the backups/ folder), to prove that nothing changed. */
export function treeHashes(dir: string, skip: readonly string[] = ['backups']): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const rel = relative(dir, p);
      if (skip.includes(rel)) continue;
      if (statSync(p).isDirectory()) walk(p);
      else out[rel] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** Names in <state>/backups that start with a prefix. */
export function backupsEntries(stateDir: string, prefix: string): string[] {
  const dir = join(stateDir, 'backups');
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith(prefix)) : [];
}
