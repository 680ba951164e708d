import { randomInt } from 'node:crypto';
import { ClawgateError } from '../protocol/error-catalogue.js';
import type { AuditKind, ChannelAuditDetail } from '../store/audit.js';
import type { ChannelAllowedSender, ChannelPairingRequest } from '../store/channel-pairing.js';
import type { Store } from '../store/store.js';

/** Code characters: upper-case letters and digits without look-alikes (no I, L, O, 0, 1). */
export const PAIRING_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
/** Characters in a DM pairing code. */
export const PAIRING_CODE_LENGTH = 8;
/** How long a code stays valid and how many may wait per channel, unless config says otherwise. */
export const PAIRING_DEFAULTS = { codeTtlMinutes: 60, maxPending: 3 } as const;
/** Tries to find a code not in use before giving up (31^8 codes: a clash is already rare). */
const CODE_ATTEMPTS = 8;

const CODE_RE = new RegExp(`^[${PAIRING_CODE_ALPHABET}]{${PAIRING_CODE_LENGTH}}$`);

/** A fresh crypto-random code. */
export function newPairingCode(): string {
  let code = '';
  for (let i = 0; i < PAIRING_CODE_LENGTH; i++) code += PAIRING_CODE_ALPHABET[randomInt(PAIRING_CODE_ALPHABET.length)];
  return code;
}

/** A code as typed by the owner (any case, stray spaces or dashes), or undefined when it cannot be one. */
export function normalizePairingCode(input: string): string | undefined {
  const code = input.replace(/[\s-]/g, '').toUpperCase();
  return CODE_RE.test(code) ? code : undefined;
}

/** Who asks for a code: the sender and the chat to answer in. */
export interface PairingSender {
  readonly channel: string;
  readonly senderId: string;
  readonly senderName?: string | undefined;
  readonly chatId: string;
}

/** Limits of one channel's pairing. */
export interface PairingLimits {
  readonly codeTtlMinutes: number;
  readonly maxPending: number;
}

/** What a sender's request for a code came to. */
export type CodeRequestOutcome =
  | { readonly kind: 'issued' | 'existing'; readonly request: ChannelPairingRequest }
  | { readonly kind: 'full'; readonly pending: number }
  | { readonly kind: 'allowed' };

/**
 * Record a decision in the audit log, inside the caller's transaction: the gateway's store watcher turns it
 * into effects (operator events, the approval notice) whichever process wrote it. The actor is `gateway` (a code
 * issued), an RPC caller's label (`rpc:...`) or `cli-local` (the CLI on the store).
 */
function audit(store: Store, kind: AuditKind, actor: string, nowMs: number, detail: ChannelAuditDetail): void {
  store.audit.append({ tsMs: nowMs, kind, actor, detail: { ...detail } });
}

function requestDetail(r: ChannelPairingRequest): ChannelAuditDetail {
  return { channel: r.channel, senderId: r.senderId, senderName: r.senderName, chatId: r.chatId, code: r.code, expiresAtMs: r.expiresAtMs };
}

/**
 * Give an unknown sender a code in one transaction: their still-valid code again, else a new one while fewer
 * than maxPending codes wait, else `full` (the owner has enough to review; no code is made).
 */
export function requestPairingCode(store: Store, sender: PairingSender, nowMs: number, limits: PairingLimits = PAIRING_DEFAULTS): CodeRequestOutcome {
  return store.write(() => {
    const pairing = store.channelPairing;
    if (pairing.isAllowed(sender.channel, sender.senderId)) return { kind: 'allowed' } as const;
    pairing.expire(nowMs);
    const existing = pairing.bySender(sender.channel, sender.senderId);
    if (existing) return { kind: 'existing', request: existing } as const;
    const pending = pairing.pending(sender.channel, nowMs).length;
    if (pending >= limits.maxPending) return { kind: 'full', pending } as const;
    for (let i = 0; i < CODE_ATTEMPTS; i++) {
      const code = newPairingCode();
      if (pairing.byCode(sender.channel, code)) continue;
      const request: ChannelPairingRequest = { ...sender, code, createdAtMs: nowMs, expiresAtMs: nowMs + limits.codeTtlMinutes * 60_000 };
      pairing.insert(request);
      audit(store, 'channel.pairing.requested', 'gateway', nowMs, requestDetail(request));
      return { kind: 'issued', request } as const;
    }
    throw new ClawgateError('INTERNAL', 'could not find an unused pairing code; try again');
  });
}

function validRequest(store: Store, channel: string, input: string, nowMs: number): ChannelPairingRequest {
  const code = normalizePairingCode(input);
  const request = code ? store.channelPairing.byCode(channel, code) : undefined;
  if (!request || request.expiresAtMs <= nowMs) {
    const why = !code ? `"${input.slice(0, 32)}" is not a pairing code (${PAIRING_CODE_LENGTH} characters)` : request ? `pairing code ${code} expired` : `no pending ${channel} pairing code ${code}`;
    throw new ClawgateError('UNKNOWN_PAIRING_CODE', `${why}; see clawgate pairing list ${channel} (the sender gets a new code by writing to the bot again)`, { channel });
  }
  return request;
}

/**
 * Approve a code: its sender becomes an allowed sender (kept in state.db) and the code is used up. approvedBy is
 * the actor, on the row and in the audit; the sender is told by the gateway's effect of the audit row.
 */
export function approvePairingCode(store: Store, channel: string, input: string, approvedBy: string, nowMs: number): { request: ChannelPairingRequest; sender: ChannelAllowedSender } {
  return store.write(() => {
    const request = validRequest(store, channel, input, nowMs);
    const sender: ChannelAllowedSender = { channel, senderId: request.senderId, senderName: request.senderName, approvedAtMs: nowMs, approvedBy };
    store.channelPairing.allow(sender);
    store.channelPairing.deleteCode(channel, request.code);
    audit(store, 'channel.pairing.approved', approvedBy, nowMs, requestDetail(request));
    return { request, sender };
  });
}

/** Reject a code: it is removed; the sender may ask again later and gets a new one. */
export function rejectPairingCode(store: Store, channel: string, input: string, actor: string, nowMs: number): ChannelPairingRequest {
  return store.write(() => {
    const request = validRequest(store, channel, input, nowMs);
    store.channelPairing.deleteCode(channel, request.code);
    audit(store, 'channel.pairing.rejected', actor, nowMs, requestDetail(request));
    return request;
  });
}

/**
 * Revoke an approved sender, named by user id or `@username` (the name they had when approved, any case): they
 * no longer reach the agent; with dmPolicy pairing their next message gets a new code.
 */
export function revokeSender(store: Store, channel: string, input: string, actor: string, nowMs: number): ChannelAllowedSender {
  return store.write(() => {
    const wanted = input.trim();
    const allowed = store.channelPairing.allowed(channel);
    const matches = wanted.startsWith('@')
      ? allowed.filter((s) => s.senderName?.toLowerCase() === wanted.toLowerCase())
      : allowed.filter((s) => s.senderId === wanted);
    if (matches.length > 1) {
      throw new ClawgateError('AMBIGUOUS_ID', `${wanted.slice(0, 64)} names ${matches.length} approved ${channel} senders (${matches.map((s) => s.senderId).join(', ')}); revoke by user id`, { channel });
    }
    const sender = matches[0];
    if (!sender) {
      throw new ClawgateError(
        'UNKNOWN_CHANNEL_SENDER',
        `no approved ${channel} sender ${wanted.slice(0, 64)}; see clawgate pairing list ${channel} (senders in channels.${channel}.allowFrom are removed in config, not here)`,
        { channel },
      );
    }
    store.channelPairing.disallow(channel, sender.senderId);
    audit(store, 'channel.sender.revoked', actor, nowMs, { channel, senderId: sender.senderId, senderName: sender.senderName });
    return sender;
  });
}

/** Pending codes and allowed senders of a channel (or all channels). */
export function listChannelPairing(store: Store, channel: string | undefined, nowMs: number): { pending: ChannelPairingRequest[]; allowed: ChannelAllowedSender[] } {
  return { pending: store.channelPairing.pending(channel, nowMs), allowed: store.channelPairing.allowed(channel) };
}
