import type { AuditEffectTable } from '../store/audit-effect.js';
import type { AuditEvent } from '../store/audit.js';
import { pendingView } from './views.js';

function resolved(e: AuditEvent, decision: 'approved' | 'rejected'): unknown {
  return { requestId: e.requestId, deviceId: e.deviceId, decision, ts: e.tsMs };
}

/** Device pairing and token decisions: operator events for requests and their outcome, closes when credentials change. */
export const DEVICE_PAIRING_EFFECTS: AuditEffectTable = {
  'pairing.requested': {
    logAs: 'pairing request pending',
    run: (e, { store, broadcast }) => {
      // The request as it is now: a request approved or gone before this poll is not announced.
      const pending = e.requestId ? store.pending.get(e.requestId, Date.now()) : undefined;
      if (pending) broadcast('device.pair.requested', pendingView(pending));
    },
  },
  'pairing.approved': { logAs: 'pairing approved', run: (e, { broadcast }) => broadcast('device.pair.resolved', resolved(e, 'approved')) },
  'pairing.auto-approved': { logAs: 'pairing auto-approved', run: (e, { broadcast }) => broadcast('device.pair.resolved', resolved(e, 'approved')) },
  'pairing.rejected': { logAs: 'pairing rejected', run: (e, { broadcast }) => broadcast('device.pair.resolved', resolved(e, 'rejected')) },
  'pairing.expired': { logAs: 'pairing request expired' },
  'token.minted': { logAs: 'device token issued' },
  'token.rotated': {
    logAs: 'device token rotated',
    run: (e, { closeDevice }) => {
      if (e.deviceId) closeDevice(e.deviceId, e.role, 'device token rotated: reconnect with the gateway token, or approve the request it then makes');
    },
  },
  'token.revoked': {
    logAs: 'device token revoked',
    run: (e, { closeDevice }) => {
      if (e.deviceId) closeDevice(e.deviceId, e.role, 'device token revoked: reconnect with the gateway token, or approve the request it then makes');
    },
  },
  'device.removed': {
    logAs: 'device removed',
    run: (e, { closeDevice }) => {
      if (e.deviceId) closeDevice(e.deviceId, undefined, 'device removed: pair this device again');
    },
  },
};
