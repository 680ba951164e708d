import { Type } from '@sinclair/typebox';
import { ClawgateError } from '../../protocol/error-catalogue.js';
import { defineTool } from './tool.js';

/** Longest text one message call sends (Telegram splits it into 4,000-character messages). */
export const MAX_MESSAGE_TOOL_CHARS = 8000;
/** Longest target id accepted (Telegram chat ids are short; @names are at most 32). */
export const MAX_MESSAGE_TARGET_CHARS = 64;

/** message: send text to a chat the owner approved (Telegram), and nowhere else. */
export const message = defineTool({
  name: 'message',
  description:
    'Send a message to a chat on a channel (telegram). Only chats the owner approved can be reached: their ids are in the allow list, or the person was approved through pairing. to is the chat id.',
  parameters: Type.Object(
    {
      channel: Type.Optional(Type.Literal('telegram')),
      to: Type.String({ minLength: 1, maxLength: MAX_MESSAGE_TARGET_CHARS, description: 'the chat id (a Telegram user id for a direct chat)' }),
      text: Type.String({ minLength: 1, maxLength: MAX_MESSAGE_TOOL_CHARS }),
    },
    { additionalProperties: false },
  ),
  async execute(args, ctx) {
    const target = { channel: args.channel ?? 'telegram', to: args.to.trim() };
    if (args.text.trim() === '') throw new ClawgateError('INVALID_PARAMS', 'text is empty; say what to send');
    const ports = ctx.services.messages;
    if (!ports.isApprovedTarget(target)) {
      throw new ClawgateError(
        'MESSAGE_TARGET_NOT_APPROVED',
        `${target.channel} chat ${JSON.stringify(target.to)} is not a target the owner approved, so nothing was sent; the owner can approve it: ${ports.howToApprove(target)}`,
        { channel: target.channel, to: target.to },
      );
    }
    await ports.deliver(target, args.text);
    return { status: 'sent', channel: target.channel, to: target.to, chars: args.text.length };
  },
});
