import { CLOSE_REASON_MAX_BYTES } from './limits.js';

// TextEncoder/TextDecoder rather than Buffer: protocol/ is bundled for the browser too.
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Truncate a close reason to the byte limit without splitting a UTF-8 character. */
export function truncateReason(reason: string, maxBytes = CLOSE_REASON_MAX_BYTES): string {
  const buf = encoder.encode(reason);
  if (buf.length <= maxBytes) return reason;
  let end = maxBytes;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return decoder.decode(buf.subarray(0, end));
}
