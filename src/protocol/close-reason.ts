import { CLOSE_REASON_MAX_BYTES } from './limits.js';

/** Truncate a close reason to the byte limit without splitting a UTF-8 character. */
export function truncateReason(reason: string, maxBytes = CLOSE_REASON_MAX_BYTES): string {
  const buf = Buffer.from(reason, 'utf8');
  if (buf.length <= maxBytes) return reason;
  let end = maxBytes;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}
