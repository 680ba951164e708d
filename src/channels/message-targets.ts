import type { MessagePort, MessageTarget } from '../agents/tools/message-port.js';
import type { Config } from '../config/schema.js';
import type { Store } from '../store/store.js';
import { KNOWN_CHANNELS, TELEGRAM } from './known.js';
import { normalizePeer } from './telegram/config.js';

/** What the message port is built from. */
export interface MessageTargetDeps {
  readonly store: Store;
  /** The config the channels run with (allowFrom and approvers apply at restart, as for the channels). */
  readonly config: Config | undefined;
  /** The channels' delivery (bound late: the channels are built after the runtime). */
  readonly deliver: (target: MessageTarget, text: string) => Promise<void>;
}

/**
 * Whether the owner approved a chat as a message target: on Telegram, an id (or @name) in
 * channels.telegram.allowFrom or channels.telegram.approvers, or a sender approved through DM pairing (read
 * from the store on every call, so an approval or revocation counts at once).
 */
export function isApprovedTarget(deps: Pick<MessageTargetDeps, 'store' | 'config'>, target: MessageTarget): boolean {
  if (target.channel !== TELEGRAM) return false;
  const to = normalizePeer(target.to);
  if (to === '') return false;
  const cfg = deps.config?.channels?.telegram;
  const listed = [...(cfg?.allowFrom ?? []), ...(cfg?.approvers ?? [])].map(normalizePeer);
  return listed.includes(to) || deps.store.channelPairing.isAllowed(TELEGRAM, to);
}

/** The commands that approve a target, for the message tool's refusal. */
export function howToApprove(target: MessageTarget): string {
  if (!KNOWN_CHANNELS.includes(target.channel)) return `"${target.channel.slice(0, 32)}" is not a channel here (known: ${KNOWN_CHANNELS.join(', ')})`;
  return `the person sends the bot a message and the owner runs clawgate pairing approve ${TELEGRAM} <code> (codes: clawgate pairing list ${TELEGRAM}); or the owner adds the id to channels.telegram.allowFrom (clawgate config set channels.telegram.allowFrom '[${JSON.stringify(target.to.slice(0, 64))}]', keeping the ids already there) and restarts the gateway`;
}

/** The message tool's port on the gateway's channels. */
export function channelMessagePort(deps: MessageTargetDeps): MessagePort {
  return {
    deliver: (target, text) => deps.deliver(target, text),
    isApprovedTarget: (target) => isApprovedTarget(deps, target),
    howToApprove,
  };
}
