import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { StatePaths } from '../config/paths.js';
import { stateDirIdOf } from '../util/state-dir-id.js';
import { diffConfig, readConfigForDiff, type ConfigChange } from './config-diff.js';
import { CONFIG_ENTRY, DB_ENTRY, IDENTITY_ENTRY, TOKEN_CACHE_ENTRY, type Manifest } from './manifest.js';
import { emptySnapshot, snapshotOf, type DeviceRow, type PendingRow, type StoreSnapshot, type TokenRow } from './store-snapshot.js';
import { diffAgentState, type AgentStateDiff } from './agent-state-diff.js';
import { diffChannelPairing, type ChannelPairingDiff } from './channel-pairing-diff.js';
import { diffCron, type CronDiff } from './cron-diff.js';
import { diffExecApprovals, type ExecApprovalsDiff } from './exec-approvals-diff.js';
import { hashFile } from './files.js';
import { copyStoreForReading } from './live-store-copy.js';

/** A device whose pairing record differs between now and the backup. */
export interface DeviceChange {
  deviceId: string;
  label: string;
  what: string[];
}

/** A token (device, role) whose state differs between now and the backup. */
export interface TokenChange {
  deviceId: string;
  role: string;
  what: string[];
}

/** A token that exists on one side only; its hash stays internal (never printed, not even in --json). */
export interface TokenSummary {
  deviceId: string;
  role: string;
  state: string;
}

/** What activating a backup would roll back, from the current state to the backup's. */
export interface RollbackDiff {
  /** The backup came from another state dir (a move between installs). */
  otherInstall: boolean;
  schemaVersion: { current: number | null; backup: number };
  devices: { removed: DeviceRow[]; restored: DeviceRow[]; changed: DeviceChange[] };
  tokens: { removed: TokenSummary[]; restored: TokenSummary[]; changed: TokenChange[] };
  pending: { dropped: PendingRow[]; restored: PendingRow[] };
  /** Sessions and transcripts, provider marks, queued system events. */
  agents: AgentStateDiff;
  /** Cron jobs and their run history. */
  cron: CronDiff;
  /** Chat-channel DM approvals and pending codes. */
  channels: ChannelPairingDiff;
  /** Stored exec allowlist entries and approval requests. */
  exec: ExecApprovalsDiff;
  /** Devices whose remembered retired tokens differ: how many now and in the backup. */
  retiredTokens: Array<{ deviceId: string; current: number; backup: number }>;
  /** The audit log's rows now and in the backup (the current log is kept with the replaced state.db). */
  audit: { current: number; backup: number } | null;
  /** null when the current config file cannot be parsed: it is replaced whole. */
  config: ConfigChange[] | null;
  /** Identity files of this host's CLI (secrets: changed or not only). */
  identity: Array<{ entry: string; change: 'added' | 'removed' | 'changed' }>;
}

/** A stored JSON array (scopes, roles) as "a,b" for messages. */
export function listText(text: string): string {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.join(',') || '(none)' : text;
  } catch {
    return text;
  }
}

function byKey<T>(rows: T[], key: (r: T) => string): Map<string, T> {
  return new Map(rows.map((r) => [key(r), r]));
}

function tokenState(t: TokenRow): string {
  return t.revokedAtMs !== null ? 'revoked' : t.tokenHash === null ? 'issued, not yet delivered' : 'active';
}

function diffStore(cur: StoreSnapshot, bak: StoreSnapshot): Pick<RollbackDiff, 'devices' | 'tokens' | 'pending'> {
  const curDevices = byKey(cur.devices, (d) => d.deviceId);
  const bakDevices = byKey(bak.devices, (d) => d.deviceId);
  const devices: RollbackDiff['devices'] = { removed: [], restored: [], changed: [] };
  for (const d of cur.devices) if (!bakDevices.has(d.deviceId)) devices.removed.push(d);
  for (const d of bak.devices) {
    const now = curDevices.get(d.deviceId);
    if (!now) {
      devices.restored.push(d);
      continue;
    }
    const what: string[] = [];
    if (now.publicKey !== d.publicKey) what.push('public key differs');
    if (now.roles !== d.roles) what.push(`roles ${listText(now.roles)} -> ${listText(d.roles)}`);
    if (now.approvedScopes !== d.approvedScopes) what.push(`scopes ${listText(now.approvedScopes)} -> ${listText(d.approvedScopes)}`);
    if (what.length > 0) devices.changed.push({ deviceId: d.deviceId, label: d.label, what });
  }
  const key = (t: TokenRow) => `${t.deviceId}\u0000${t.role}`;
  const curTokens = byKey(cur.tokens, key);
  const bakTokens = byKey(bak.tokens, key);
  const tokens: RollbackDiff['tokens'] = { removed: [], restored: [], changed: [] };
  const summary = (t: TokenRow): TokenSummary => ({ deviceId: t.deviceId, role: t.role, state: tokenState(t) });
  for (const t of cur.tokens) if (!bakTokens.has(key(t))) tokens.removed.push(summary(t));
  for (const t of bak.tokens) {
    const now = curTokens.get(key(t));
    if (!now) {
      tokens.restored.push(summary(t));
      continue;
    }
    const what: string[] = [];
    if (now.tokenHash !== t.tokenHash) what.push('token differs (rotated or re-minted since the backup): the device\'s current token stops working');
    if (tokenState(now) !== tokenState(t)) what.push(`${tokenState(now)} -> ${tokenState(t)}`);
    if (now.scopes !== t.scopes) what.push(`scopes ${listText(now.scopes)} -> ${listText(t.scopes)}`);
    if (what.length > 0) tokens.changed.push({ deviceId: t.deviceId, role: t.role, what });
  }
  const curPending = byKey(cur.pending, (p) => p.requestId);
  const bakPending = byKey(bak.pending, (p) => p.requestId);
  return {
    devices,
    tokens,
    pending: {
      dropped: cur.pending.filter((p) => !bakPending.has(p.requestId)),
      restored: bak.pending.filter((p) => !curPending.has(p.requestId)),
    },
  };
}

async function diffIdentity(paths: StatePaths, staging: string): Promise<RollbackDiff['identity']> {
  const out: RollbackDiff['identity'] = [];
  for (const [live, entry] of [
    [paths.identityPath, IDENTITY_ENTRY],
    [paths.tokenCachePath, TOKEN_CACHE_ENTRY],
  ] as const) {
    const staged = join(staging, entry);
    const a = existsSync(live);
    const b = existsSync(staged);
    if (!a && !b) continue;
    if (!a) out.push({ entry, change: 'added' });
    else if (!b) out.push({ entry, change: 'removed' });
    else if ((await hashFile(live)).sha256 !== (await hashFile(staged)).sha256) out.push({ entry, change: 'changed' });
  }
  return out;
}

function readCurrent(dbPath: string): StoreSnapshot | undefined {
  if (!existsSync(dbPath)) return undefined;
  let copy: ReturnType<typeof copyStoreForReading> | undefined;
  try {
    copy = copyStoreForReading(dbPath);
    return snapshotOf(copy.path);
  } catch {
    return undefined; // an unreadable store is replaced whole; everything in the backup comes back
  } finally {
    copy?.dispose();
  }
}

/**
 * Compare the live state dir with a verified backup extracted into `staging`. Reads only: the live store
 * is read from a private copy, so not even a `-wal` or `-shm` appears beside it.
 */
export async function rollbackDiff(paths: StatePaths, staging: string, manifest: Manifest): Promise<RollbackDiff> {
  const current = readCurrent(paths.dbPath);
  const backup = snapshotOf(join(staging, DB_ENTRY));
  const cur = current ?? emptySnapshot();
  const curConfig = readConfigForDiff(paths.configPath);
  const bakConfig = readConfigForDiff(join(staging, CONFIG_ENTRY)) ?? {};
  const auditDiffers = cur.audit.count !== backup.audit.count || cur.audit.maxId !== backup.audit.maxId;
  return {
    otherInstall: manifest.stateDirId !== stateDirIdOf(paths.stateDir),
    schemaVersion: { current: current?.schemaVersion ?? null, backup: backup.schemaVersion },
    ...diffStore(cur, backup),
    agents: diffAgentState(cur, backup),
    cron: diffCron(cur, backup),
    channels: diffChannelPairing(cur, backup),
    exec: diffExecApprovals(cur, backup),
    retiredTokens: [...new Set([...cur.retiredTokens.keys(), ...backup.retiredTokens.keys()])]
      .sort()
      .map((deviceId) => ({ deviceId, current: cur.retiredTokens.get(deviceId) ?? 0, backup: backup.retiredTokens.get(deviceId) ?? 0 }))
      .filter((r) => r.current !== r.backup),
    audit: auditDiffers ? { current: cur.audit.count, backup: backup.audit.count } : null,
    config: curConfig === undefined ? null : diffConfig(curConfig, bakConfig),
    identity: await diffIdentity(paths, staging),
  };
}
