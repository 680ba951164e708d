import type { AuditEffectTable } from '../store/audit-effect.js';
import { channelAuditDetail, type AuditEvent } from '../store/audit.js';
import type { Channels } from './channel.js';

/** What an approved sender is told, once, by the running gateway (whichever process approved). */
export const APPROVED_NOTICE = 'You are approved: the assistant will answer your messages from now on.';

function resolved(e: AuditEvent, decision: 'approved' | 'rejected'): unknown {
  const d = channelAuditDetail(e);
  return d ? { channel: d.channel, code: d.code, senderId: d.senderId, decision, ts: e.tsMs } : undefined;
}

/**
 * Channel DM pairing decisions: operator events for new codes and their outcome, and the approval notice to the
 * sender. The notice is sent here and nowhere else, so an approval over RPC and one the CLI made on the store
 * tell the sender the same way, exactly once (the watcher applies each row once and starts at the log's end).
 */
export function channelPairingEffects(channels: Pick<Channels, 'deliver'>): AuditEffectTable {
  return {
    'channel.pairing.requested': {
      logAs: 'channel pairing code issued',
      run: (e, { store, broadcast }) => {
        const d = channelAuditDetail(e);
        // The code as it is now: one approved, rejected or expired before this poll is not announced.
        const request = d ? store.channelPairing.bySender(d.channel, d.senderId) : undefined;
        if (request && request.code === d?.code && request.expiresAtMs > Date.now()) broadcast('channel.pairing.requested', request);
      },
    },
    'channel.pairing.approved': {
      logAs: 'channel sender approved',
      run: (e, { broadcast, log }) => {
        const payload = resolved(e, 'approved');
        if (payload) broadcast('channel.pairing.resolved', payload);
        const d = channelAuditDetail(e);
        if (!d?.chatId) return;
        // The approval stands whether or not the notice arrives; a failed notice is the owner's to see in the log.
        channels.deliver({ channel: d.channel, to: d.chatId }, APPROVED_NOTICE).then(
          () => log?.info({ channel: d.channel, senderId: d.senderId }, 'approved sender told'),
          (err: unknown) => log?.warn({ channel: d.channel, senderId: d.senderId, err: (err as Error).message }, 'could not tell the approved sender'),
        );
      },
    },
    'channel.pairing.rejected': {
      logAs: 'channel pairing code rejected',
      run: (e, { broadcast }) => {
        const payload = resolved(e, 'rejected');
        if (payload) broadcast('channel.pairing.resolved', payload);
      },
    },
    'channel.sender.revoked': { logAs: 'channel sender revoked' },
  };
}
