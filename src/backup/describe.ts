import type { Manifest, StoreCounts } from './manifest.js';
import { describeAgentState } from './agent-state-diff.js';
import { describeChannelPairing } from './channel-pairing-diff.js';
import { describeExecApprovals } from './exec-approvals-diff.js';
import { describeCron } from './cron-diff.js';
import { listText as list, type RollbackDiff } from './rollback-diff.js';

/** "12.3 KiB" style size. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "3 devices, 4 tokens (3 active), 1 pending request". */
export function describeCounts(c: StoreCounts): string {
  return `${plural(c.devices, 'device')}, ${plural(c.tokens, 'token')} (${c.activeTokens} active), ${plural(c.pendingRequests, 'pending request')}`;
}

/** The files of a backup, one per line, with size and a checksum prefix (never contents). */
export function describeFiles(m: Manifest): string[] {
  const width = Math.max(...m.files.map((f) => f.path.length));
  return m.files.map((f) => `  ${f.path.padEnd(width)}  ${formatBytes(f.size).padStart(10)}  sha256 ${f.sha256.slice(0, 12)}`);
}

function short(id: string): string {
  return id.slice(0, 12);
}

/** "9f2c41d0a7b3 phone" (the label only when there is one). */
function who(id: string, label: string): string {
  return label ? `${short(id)} ${label}` : short(id);
}


/** Human lines for a rollback diff, every aggregate of the store; secrets appear only as changed/unchanged. Empty when nothing differs. */
export function describeDiff(d: RollbackDiff, nowMs = Date.now()): string[] {
  const out: string[] = [];
  const section = (title: string, lines: string[]) => {
    if (lines.length > 0) out.push(`${title}:`, ...lines.map((l) => `  ${l}`));
  };
  section('Devices', [
    ...d.devices.removed.map((x) => `- ${who(x.deviceId, x.label)}: removed (paired after the backup was made)`),
    ...d.devices.restored.map((x) => `+ ${who(x.deviceId, x.label)}: comes back (scopes ${list(x.approvedScopes)})`),
    ...d.devices.changed.map((x) => `~ ${who(x.deviceId, x.label)}: ${x.what.join('; ')}`),
  ]);
  section('Tokens', [
    ...d.tokens.removed.map((t) => `- ${short(t.deviceId)} ${t.role}: removed; that device must pair again`),
    ...d.tokens.restored.map((t) => `+ ${short(t.deviceId)} ${t.role}: comes back (${t.state})`),
    ...d.tokens.changed.map((t) => `~ ${short(t.deviceId)} ${t.role}: ${t.what.join('; ')}`),
  ]);
  section('Pending requests', [
    ...d.pending.dropped.map((p) => `- ${short(p.requestId)} from ${who(p.deviceId, p.label)} (${p.role}): dropped; the device asks again on its next connect`),
    ...d.pending.restored.map((p) => `+ ${short(p.requestId)} from ${who(p.deviceId, p.label)} (${p.role})${p.expiresAtMs <= nowMs ? ': expired, will be pruned' : ': comes back'}`),
  ]);
  for (const [title, lines] of [...describeAgentState(d.agents, nowMs), ...describeCron(d.cron), ...describeChannelPairing(d.channels, nowMs), ...describeExecApprovals(d.exec)]) section(title, lines);
  section(
    'Retired device tokens',
    d.retiredTokens.map((r) =>
      r.current > r.backup
        ? `- device ${short(r.deviceId)}: ${plural(r.current - r.backup, 'retired token')} (rotated or revoked since the backup) forgotten: presented again, they read as unknown tokens (still refused), not as retired`
        : `+ device ${short(r.deviceId)}: ${plural(r.backup - r.current, 'retired token')} remembered again`,
    ),
  );
  if (d.audit) {
    section('Audit log', [
      `~ ${plural(d.audit.current, 'event')} now, ${d.audit.backup} in the backup: the current log leaves the live store (it is kept with the replaced state.db)`,
    ]);
  }
  if (d.config === null) section('Config', ['the current clawgate.json cannot be parsed; it is replaced whole']);
  else
    section(
      'Config (clawgate.json)',
      d.config.map((c) =>
        c.secret
          ? `~ ${c.path}: ${c.change} (secret, value not shown)`
          : c.change === 'added'
            ? `+ ${c.path}: ${c.backup}`
            : c.change === 'removed'
              ? `- ${c.path}: ${c.current} (removed)`
              : `~ ${c.path}: ${c.current} -> ${c.backup}`,
      ),
    );
  section('This host\'s CLI identity', d.identity.map((i) => `~ ${i.entry}: ${i.change} (secret, contents not shown)`));
  if (d.schemaVersion.current !== null && d.schemaVersion.current !== d.schemaVersion.backup) {
    out.push(`Store schema: ${d.schemaVersion.current} now, ${d.schemaVersion.backup} in the backup (the gateway migrates it on start)`);
  }
  if (d.otherInstall) out.push('Note: the backup was made from another state dir; this install takes over its devices and config.');
  return out;
}
