/** Output read from some byte offset on: the text, and how many bytes in that range were dropped. */
export interface OutputSlice {
  readonly text: string;
  readonly droppedBytes: number;
}

/** The marker put where output was dropped. */
export function droppedMarker(bytes: number): string {
  return `\n…[${bytes} bytes of output dropped]…\n`;
}

/**
 * A process's output within a byte cap: the first half of the cap is kept as it came (how a command
 * started is often what explains it) and the last half as a ring (how it ended); what lies between is
 * dropped and counted. Memory is the cap, however much a command prints.
 */
export class OutputBuffer {
  readonly #head: Buffer;
  #headLen = 0;
  readonly #ring: Buffer;
  #ringLen = 0;
  /** Next write position in the ring. */
  #ringPos = 0;
  #total = 0;

  constructor(maxBytes: number) {
    const headCap = Math.floor(maxBytes / 2);
    this.#head = Buffer.alloc(headCap);
    this.#ring = Buffer.alloc(Math.max(0, maxBytes - headCap));
  }

  /** Bytes the process printed in all. */
  get totalBytes(): number {
    return this.#total;
  }

  /** Bytes no longer kept. */
  get droppedBytes(): number {
    return this.#total - this.#headLen - this.#ringLen;
  }

  append(chunk: Buffer): void {
    this.#total += chunk.length;
    if (this.#headLen < this.#head.length) {
      const n = Math.min(this.#head.length - this.#headLen, chunk.length);
      chunk.copy(this.#head, this.#headLen, 0, n);
      this.#headLen += n;
      chunk = chunk.subarray(n);
    }
    const cap = this.#ring.length;
    if (chunk.length === 0 || cap === 0) return;
    if (chunk.length >= cap) {
      chunk.copy(this.#ring, 0, chunk.length - cap);
      this.#ringPos = 0;
      this.#ringLen = cap;
      return;
    }
    const first = Math.min(cap - this.#ringPos, chunk.length);
    chunk.copy(this.#ring, this.#ringPos, 0, first);
    chunk.copy(this.#ring, 0, first);
    this.#ringPos = (this.#ringPos + chunk.length) % cap;
    this.#ringLen = Math.min(cap, this.#ringLen + chunk.length);
  }

  /** The kept tail, oldest byte first. */
  #tail(): Buffer {
    if (this.#ringLen < this.#ring.length) return this.#ring.subarray(0, this.#ringLen);
    return Buffer.concat([this.#ring.subarray(this.#ringPos), this.#ring.subarray(0, this.#ringPos)]);
  }

  /** Output from byte `offset` (of everything printed) to now, with a marker where bytes were dropped. */
  since(offset: number): OutputSlice {
    const tailStart = this.#total - this.#ringLen;
    let text = '';
    if (offset < this.#headLen) text += this.#head.subarray(offset, this.#headLen).toString('utf8');
    const gapFrom = Math.max(offset, this.#headLen);
    const droppedBytes = Math.max(0, tailStart - gapFrom);
    if (droppedBytes > 0) text += droppedMarker(droppedBytes);
    const from = Math.max(offset, tailStart) - tailStart;
    if (from < this.#ringLen) text += this.#tail().subarray(from).toString('utf8');
    return { text, droppedBytes };
  }

  /** Everything kept, with the dropped middle marked. */
  text(): string {
    return this.since(0).text;
  }
}

/** Cut text to at most `maxChars` (plus a marker), keeping its head and tail. */
export function fitText(text: string, maxChars: number): { text: string; cut: boolean } {
  if (text.length <= maxChars) return { text, cut: false };
  const half = Math.floor(maxChars / 2);
  return { text: `${text.slice(0, half)}\n…[${text.length - 2 * half} characters cut; process log shows the rest]…\n${text.slice(text.length - half)}`, cut: true };
}
