/** Telegram refuses messages over 4,096 characters; chunks stay under it with room for formatting. */
export const TELEGRAM_CHUNK_CHARS = 4000;

/** Escape text for Telegram HTML (only &, < and > are special there). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const FENCE_RE = /```([A-Za-z0-9_+-]*)\n?([\s\S]*?)```/g;
const INLINE_CODE_RE = /`([^`\n]+)`/g;
const BOLD_RE = /\*\*([^*\n](?:[^\n]*?[^*\n])?)\*\*/g;

/** Inline markdown of plain prose: `code` and **bold**; everything else is escaped. */
function inlineToHtml(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(INLINE_CODE_RE)) {
    out += escapeHtml(text.slice(last, m.index)).replace(BOLD_RE, '<b>$1</b>');
    out += `<code>${escapeHtml(m[1]!)}</code>`;
    last = m.index + m[0].length;
  }
  return out + escapeHtml(text.slice(last)).replace(BOLD_RE, '<b>$1</b>');
}

/**
 * The minimal markdown models write, as Telegram HTML: ```blocks``` (with a language), `code` and **bold**.
 * Unbalanced markers stay as they are; a message Telegram still refuses is resent as plain text.
 */
export function markdownToTelegramHtml(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(FENCE_RE)) {
    out += inlineToHtml(text.slice(last, m.index));
    const lang = m[1];
    const body = escapeHtml(m[2]!.replace(/\n$/, ''));
    out += lang ? `<pre><code class="language-${lang}">${body}</code></pre>` : `<pre>${body}</pre>`;
    last = m.index + m[0].length;
  }
  return out + inlineToHtml(text.slice(last));
}

/** Where to cut text longer than max: the last line break, else the last space, in the second half; else at max. */
function cutAt(text: string, max: number): number {
  const window = text.slice(0, max);
  for (const sep of ['\n', ' ']) {
    const i = window.lastIndexOf(sep);
    if (i >= max / 2) return i + 1;
  }
  // Never split a surrogate pair.
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}

/** Split text into chunks of at most max characters, preferring line breaks, then spaces; nothing is dropped. */
export function chunkText(text: string, max = TELEGRAM_CHUNK_CHARS): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const at = cutAt(rest, max);
    chunks.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  if (rest.length > 0 || chunks.length === 0) chunks.push(rest);
  return chunks;
}
