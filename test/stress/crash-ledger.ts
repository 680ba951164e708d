import type Database from '../../src/store/sqlite-driver.js';

/**
 * What the crash test knows about each device: the state set by the last change the gateway
 * ACKNOWLEDGED (an ok response, a hello-ok, or a pairing-required answer), and the kinds of the changes
 * sent after it whose answer was lost to a SIGKILL (they may or may not have committed).
 */
export type AckedState =
  | { kind: 'approved'; atMs: number }
  | { kind: 'rotated'; atMs: number }
  | { kind: 'revoked'; atMs: number }
  /** The device holds a token the gateway handed out (hash) or accepted (presented and matched). */
  | { kind: 'holds'; hash: string };

/** A change whose answer never arrived: a connect may have minted a token. */
export type DoubtKind = 'approve' | 'rotate' | 'revoke' | 'connect';

/** An audit row that must exist because the change that writes it (in the same transaction) was acknowledged. */
export interface ExpectedAudit {
  kind: string;
  deviceId: string;
  requestId?: string;
  tsMs?: number;
}

interface DeviceEntry {
  acked: AckedState | undefined;
  doubts: DoubtKind[];
  /** The last acknowledged pending request, until an acknowledged approval supersedes it. */
  pendingId: string | undefined;
  pendingInDoubt: boolean;
  everApproved: boolean;
}

interface TokenDbRow {
  token_hash: string | null;
  rotated_at_ms: number | null;
  revoked_at_ms: number | null;
}

/** The ledger of acknowledged changes, checked against state.db once the gateway is dead. */
export class Ledger {
  readonly #devices = new Map<string, DeviceEntry>();
  readonly audits: ExpectedAudit[] = [];
  readonly counts: Record<string, number> = {};

  #entry(deviceId: string): DeviceEntry {
    let e = this.#devices.get(deviceId);
    if (!e) {
      e = { acked: undefined, doubts: [], pendingId: undefined, pendingInDoubt: false, everApproved: false };
      this.#devices.set(deviceId, e);
    }
    return e;
  }

  #count(key: string): void {
    this.counts[key] = (this.counts[key] ?? 0) + 1;
  }

  /** An acknowledged token-state change (or observation): it supersedes every earlier one. */
  ack(deviceId: string, state: AckedState, audit?: Omit<ExpectedAudit, 'deviceId'>): void {
    const e = this.#entry(deviceId);
    e.acked = state;
    e.doubts = [];
    if (state.kind !== 'revoked') {
      e.pendingId = undefined;
      e.pendingInDoubt = false;
      e.everApproved = true;
    }
    if (audit) this.audits.push({ ...audit, deviceId });
    this.#count(`acked ${state.kind}`);
  }

  /** An acknowledged pending request (the connect was answered "pairing required" with this id). */
  ackPending(deviceId: string, requestId: string): void {
    const e = this.#entry(deviceId);
    e.pendingId = requestId;
    e.pendingInDoubt = false;
    this.audits.push({ kind: 'pairing.requested', deviceId, requestId });
    this.#count('acked pending');
  }

  /** A change that was sent but whose answer was lost. */
  doubt(deviceId: string, kind: DoubtKind): void {
    const e = this.#entry(deviceId);
    e.doubts.push(kind);
    if (kind === 'approve' || kind === 'connect') e.pendingInDoubt = true;
    this.#count(`in doubt ${kind}`);
  }

  /** Devices whose last change was acknowledged with nothing in doubt after it (checked exactly). */
  get exactlyKnown(): number {
    return [...this.#devices.values()].filter((e) => e.acked !== undefined && e.doubts.length === 0).length;
  }

  /** Every problem found in the store (empty when every acknowledged change is there). */
  verify(db: Database.Database): string[] {
    const problems: string[] = [];
    const deviceQ = db.prepare('SELECT roles FROM devices WHERE device_id = ?');
    const tokenQ = db.prepare("SELECT token_hash, rotated_at_ms, revoked_at_ms FROM device_tokens WHERE device_id = ? AND role = 'operator'");
    const pendingQ = db.prepare('SELECT request_id FROM pending_requests WHERE device_id = ?');
    for (const [deviceId, e] of this.#devices) {
      const short = deviceId.slice(0, 12);
      const device = deviceQ.get(deviceId) as { roles: string } | undefined;
      const token = tokenQ.get(deviceId) as TokenDbRow | undefined;
      const operator = device !== undefined && (JSON.parse(device.roles) as string[]).includes('operator');
      const live = token !== undefined && token.revoked_at_ms === null;
      const exact = (s: AckedState | undefined): boolean => {
        if (s === undefined) return device === undefined && token === undefined;
        switch (s.kind) {
          case 'approved':
            return operator && live && token.token_hash === null;
          case 'rotated':
            return operator && live && token.token_hash === null && token.rotated_at_ms === s.atMs;
          case 'revoked':
            // Revocation retires the token and keeps the pairing record (its role stays).
            return operator && token !== undefined && token.token_hash === null && token.revoked_at_ms === s.atMs;
          case 'holds':
            return operator && live && token.token_hash === s.hash;
        }
      };
      const loose = (k: DoubtKind): boolean => {
        if (k === 'revoke') return operator && token !== undefined && token.revoked_at_ms !== null && token.token_hash === null;
        if (k === 'connect') return operator && live && token.token_hash !== null;
        return operator && live && token.token_hash === null;
      };
      if (!exact(e.acked) && !e.doubts.some(loose)) {
        problems.push(
          `device ${short}: last acknowledged ${JSON.stringify(e.acked ?? 'nothing')} (then in doubt: ${e.doubts.join(', ') || 'none'}) but the store has device ${JSON.stringify(device ?? null)} token ${JSON.stringify(token ?? null)}`,
        );
      }
      if (e.everApproved && device === undefined) problems.push(`device ${short}: an acknowledged approval left no device row`);
      if (e.pendingId !== undefined && !e.pendingInDoubt) {
        const pending = pendingQ.get(deviceId) as { request_id: string } | undefined;
        if (pending?.request_id !== e.pendingId) problems.push(`device ${short}: acknowledged pending request ${e.pendingId} is missing (store has ${pending?.request_id ?? 'none'})`);
      }
    }
    const auditQ = db.prepare('SELECT ts_ms, request_id FROM audit_events WHERE kind = ? AND device_id = ?');
    for (const a of this.audits) {
      const rows = auditQ.all(a.kind, a.deviceId) as { ts_ms: number; request_id: string | null }[];
      const found = rows.some((r) => (a.requestId === undefined || r.request_id === a.requestId) && (a.tsMs === undefined || r.ts_ms === a.tsMs));
      if (!found) problems.push(`audit row ${a.kind} for device ${a.deviceId.slice(0, 12)} (${a.requestId ?? a.tsMs ?? ''}) is missing though the change was acknowledged`);
    }
    return problems;
  }
}
