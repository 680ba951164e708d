import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from '../../src/store/sqlite-driver.js';
import type { RunningGateway } from './gateway-process.js';

/** Hex SHA-256 of a token: what the store keeps in device_tokens.token_hash. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Run fn on a short-lived connection to <stateDir>/state.db (the store is the only truth). */
export function withDb<T>(stateDir: string, fn: (db: Database.Database) => T, opts: { write?: boolean } = {}): T {
  const db = new Database(join(stateDir, 'state.db'), { readonly: opts.write !== true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export interface DeviceRow {
  device_id: string;
  public_key: string;
  roles: string;
  approved_scopes: string;
  created_at_ms: number;
  approved_at_ms: number;
  remote_ip: string | null;
}

export interface TokenRow {
  device_id: string;
  role: string;
  token_hash: string | null;
  scopes: string;
  confirmed_at_ms: number | null;
  revoked_at_ms: number | null;
}

export interface PendingRow {
  request_id: string;
  device_id: string;
  role: string;
  scopes: string;
  reason: string;
  remote_ip: string | null;
}

export const deviceRow = (stateDir: string, deviceId: string): DeviceRow | undefined =>
  withDb(stateDir, (db) => db.prepare('SELECT * FROM devices WHERE device_id = ?').get(deviceId) as DeviceRow | undefined);

export const deviceRows = (stateDir: string): DeviceRow[] => withDb(stateDir, (db) => db.prepare('SELECT * FROM devices ORDER BY device_id').all() as DeviceRow[]);

export const tokenRow = (stateDir: string, deviceId: string, role = 'operator'): TokenRow | undefined =>
  withDb(stateDir, (db) => db.prepare('SELECT * FROM device_tokens WHERE device_id = ? AND role = ?').get(deviceId, role) as TokenRow | undefined);

export const pendingRows = (stateDir: string): PendingRow[] => withDb(stateDir, (db) => db.prepare('SELECT * FROM pending_requests ORDER BY request_id').all() as PendingRow[]);

/** Audit rows of the given kinds (all kinds when empty), optionally for one device. */
export function auditRows(stateDir: string, kinds: readonly string[] = [], deviceId?: string): { id: number; kind: string; device_id: string | null; actor: string; reason: string | null }[] {
  return withDb(stateDir, (db) => {
    const rows = db.prepare('SELECT id, kind, device_id, actor, reason FROM audit_events ORDER BY id').all() as { id: number; kind: string; device_id: string | null; actor: string; reason: string | null }[];
    return rows.filter((r) => (kinds.length === 0 || kinds.includes(r.kind)) && (deviceId === undefined || r.device_id === deviceId));
  });
}

/** The CLI's device id, from <stateDir>/identity/device.json. */
export function cliDeviceId(stateDir: string): string {
  return (JSON.parse(readFileSync(join(stateDir, 'identity', 'device.json'), 'utf8')) as { deviceId: string }).deviceId;
}

export const tokenCachePath = (stateDir: string): string => join(stateDir, 'identity', 'device-auth.json');

/** The cached operator token of the CLI in stateDir, if any. */
export function cachedToken(stateDir: string, role = 'operator'): string | undefined {
  const path = tokenCachePath(stateDir);
  if (!existsSync(path)) return undefined;
  return (JSON.parse(readFileSync(path, 'utf8')) as { tokens: Record<string, { token: string }> }).tokens[role]?.token;
}

/** A temp dir under os.tmpdir() (removed by cleanup()). */
export function tempDir(prefix = 'cg-scn-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A second state dir for the CLI that points at gw's port: its own config (with or without a gateway
 * token), and optionally a copy of another state dir's identity/ (same device key and token cache).
 */
export function cliStateDir(gw: RunningGateway, opts: { token?: string | undefined; copyIdentityFrom?: string } = {}): string {
  const dir = tempDir('cg-cli-');
  const auth = opts.token ? { mode: 'token', token: opts.token } : { mode: 'token' };
  writeFileSync(join(dir, 'clawgate.json'), JSON.stringify({ gateway: { port: gw.port, auth } }, null, 2), { mode: 0o600 });
  if (opts.copyIdentityFrom) cpSync(join(opts.copyIdentityFrom, 'identity'), join(dir, 'identity'), { recursive: true });
  return dir;
}

/** Stop gateways and remove temp dirs, ignoring what is already gone. */
export async function cleanup(gateways: ReadonlyArray<RunningGateway | undefined>, dirs: readonly string[]): Promise<void> {
  await Promise.all(gateways.map((g) => g?.stop()));
  for (const d of [...dirs, ...gateways.map((g) => g?.stateDir)]) if (d) rmSync(d, { recursive: true, force: true });
}
