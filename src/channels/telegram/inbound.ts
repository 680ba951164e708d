import type { TelegramSettings } from './config.js';

/** The facts of one inbound text message that the policies look at. */
export interface InboundMessage {
  readonly chatId: number;
  readonly chatType: 'private' | 'group' | 'supergroup' | 'channel';
  readonly senderId: number;
  readonly senderUsername?: string | undefined;
  readonly senderName: string;
  readonly text: string;
  readonly messageId: number;
}

/** What to do with a message: run the agent on it, answer with a pairing code, or ignore it (logged with why). */
export type InboundDecision =
  | { readonly kind: 'run'; readonly sessionKey: string; readonly text: string }
  | { readonly kind: 'pair' }
  | { readonly kind: 'ignore'; readonly reason: string };

/** Session key of a peer: the DM of a user, or a group chat. */
export function peerSessionKey(agentId: string, msg: Pick<InboundMessage, 'chatType' | 'chatId' | 'senderId'>): string {
  return msg.chatType === 'private' ? `agent:${agentId}:telegram:dm:${msg.senderId}` : `agent:${agentId}:telegram:group:${msg.chatId}`;
}

/** True when config's allowFrom names the sender by id or @username. */
export function inAllowFrom(settings: TelegramSettings, msg: Pick<InboundMessage, 'senderId' | 'senderUsername'>): boolean {
  if (settings.allowFrom.has(String(msg.senderId))) return true;
  return msg.senderUsername !== undefined && settings.allowFrom.has(`@${msg.senderUsername.toLowerCase()}`);
}

/** The text without the bot's @mention, or undefined when the bot is not mentioned. */
export function stripMention(text: string, botUsername: string): string | undefined {
  const re = new RegExp(`@${botUsername.replace(/[^A-Za-z0-9_]/g, '')}\\b`, 'gi');
  if (!re.test(text)) return undefined;
  return text.replace(re, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * Apply dmPolicy (pairing, allowlist, open, disabled) or the group policy and requireMention. `approved` says
 * whether the owner approved the sender (state.db).
 */
export function decideInbound(settings: TelegramSettings, msg: InboundMessage, approved: boolean, agentId: string, botUsername: string): InboundDecision {
  const text = msg.text.trim();
  if (text === '') return { kind: 'ignore', reason: 'empty message' };
  if (msg.chatType === 'channel') return { kind: 'ignore', reason: 'channel posts are not handled' };
  if (msg.chatType === 'private') {
    const allowed = approved || inAllowFrom(settings, msg);
    switch (settings.dmPolicy) {
      case 'disabled':
        return { kind: 'ignore', reason: 'dmPolicy is "disabled"' };
      case 'open':
        return { kind: 'run', sessionKey: peerSessionKey(agentId, msg), text };
      case 'allowlist':
        return allowed ? { kind: 'run', sessionKey: peerSessionKey(agentId, msg), text } : { kind: 'ignore', reason: 'sender not in allowFrom nor approved (dmPolicy "allowlist")' };
      case 'pairing':
        return allowed ? { kind: 'run', sessionKey: peerSessionKey(agentId, msg), text } : { kind: 'pair' };
    }
  }
  const groups = settings.groups;
  if (groups.policy === 'disabled') return { kind: 'ignore', reason: 'groups.policy is "disabled"' };
  if (groups.policy === 'allowlist' && !groups.allow.has(String(msg.chatId))) return { kind: 'ignore', reason: `group ${msg.chatId} is not in groups.allow` };
  if (!groups.requireMention) return { kind: 'run', sessionKey: peerSessionKey(agentId, msg), text };
  const stripped = stripMention(text, botUsername);
  if (stripped === undefined) return { kind: 'ignore', reason: 'the bot is not mentioned (groups.requireMention)' };
  if (stripped === '') return { kind: 'ignore', reason: 'only a mention, no text' };
  return { kind: 'run', sessionKey: peerSessionKey(agentId, msg), text: stripped };
}
