import { GrammyError, type Api } from 'grammy';
import { chunkText, markdownToTelegramHtml } from './format.js';

/** Telegram's answers when HTML entities do not parse; the chunk is then resent as plain text. */
const ENTITY_ERROR_RE = /can't parse entities|can't find end|unsupported start tag|unexpected end tag|unclosed start tag/i;

/** True when Telegram refused a message because of its formatting (400 can't parse entities). */
export function isEntityError(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 400 && ENTITY_ERROR_RE.test(err.description);
}

/** How a text went out: chunks sent, and how many fell back to plain text. */
export interface SendReport {
  readonly chunks: number;
  readonly plainFallbacks: number;
}

/**
 * Send text to a chat: chunked at 4,000 characters, each chunk as Telegram HTML, resent as plain text when
 * Telegram refuses the HTML. Other errors propagate (after the chunks already sent).
 */
export async function sendText(api: Api, chatId: number | string, text: string, opts: { replyTo?: number } = {}): Promise<SendReport> {
  let plainFallbacks = 0;
  const chunks = chunkText(text);
  for (const [i, chunk] of chunks.entries()) {
    const reply = i === 0 && opts.replyTo !== undefined ? { reply_parameters: { message_id: opts.replyTo, allow_sending_without_reply: true } } : {};
    try {
      await api.sendMessage(chatId, markdownToTelegramHtml(chunk), { parse_mode: 'HTML', link_preview_options: { is_disabled: true }, ...reply });
    } catch (err) {
      if (!isEntityError(err)) throw err;
      plainFallbacks++;
      await api.sendMessage(chatId, chunk, { link_preview_options: { is_disabled: true }, ...reply });
    }
  }
  return { chunks: chunks.length, plainFallbacks };
}
