/** A body read up to a byte cap. */
export interface CappedBody {
  readonly bytes: Uint8Array;
  /** The body went on past the cap; reading stopped there and the rest was cancelled. */
  readonly truncated: boolean;
}

/**
 * Read a response body into memory, at most `maxBytes`: at the cap the stream is cancelled (the connection
 * is dropped), so an endless or huge body costs no more than the cap.
 */
export async function readCapped(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<CappedBody> {
  if (!body) return { bytes: new Uint8Array(0), truncated: false };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = maxBytes - total;
      if (value.byteLength >= room) {
        // A body of exactly maxBytes is whole; only one that goes on is cut.
        chunks.push(value.subarray(0, room));
        total += room;
        truncated = value.byteLength > room || !(await reader.read()).done;
        break;
      }
      chunks.push(value);
      total += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { bytes, truncated };
}
