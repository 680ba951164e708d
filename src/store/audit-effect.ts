import type { Logger } from 'pino';
import type { EventName } from '../protocol/events.js';
import type { AuditEvent, AuditKind } from './audit.js';
import type { Store } from './store.js';

/**
 * What an audit effect may do in the running gateway: read the store, tell operators, close a device's sockets.
 * Declared here, beside the audit log, so domains contribute effects without importing the gateway.
 */
export interface AuditEffectPorts {
  readonly store: Store;
  readonly log?: Logger | undefined;
  /** An event to every operator whose scopes allow it (see EVENT_SCOPES). */
  broadcast(event: EventName, payload: unknown): void;
  /** Close the device's live sockets (of one role, or all when role is undefined) with credentialsChanged. */
  closeDevice(deviceId: string, role: string | undefined, reason: string): void;
}

/** One entry of the effect table: the gateway log line for the decision, and what the committed row causes. */
export interface AuditEffect {
  /** Logged once by the gateway for a row of this kind, whichever process wrote it. */
  readonly logAs?: string;
  /** Runs once per committed row, in id order; must not throw for a row it cannot use (it skips it). */
  readonly run?: (e: AuditEvent, ports: AuditEffectPorts) => void;
}

/** Audit kind -> effect. Each domain contributes the entries of its own kinds; the gateway's watcher joins them. */
export type AuditEffectTable = Partial<Record<AuditKind, AuditEffect>>;
