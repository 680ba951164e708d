import { entryLines } from './entry-lines.js';
import type { ChatEntry } from './chat-entries.js';
import type { Theme } from './theme.js';

/** Most entries the log keeps in memory; older ones stay in the transcript (chat.history reads them). */
export const MAX_LOG_ENTRIES = 5_000;

interface Cached {
  readonly width: number;
  readonly expanded: boolean;
  readonly lines: string[];
}

/**
 * The chat log: entries, the lines each renders to (cached by entry identity, width and expansion, so a
 * long history is wrapped once), and a viewport counted from the bottom. Only the entries that reach the
 * viewport are rendered: showing the end of a 1,000-message history wraps the last screenful.
 */
export class ChatLog {
  #entries: ChatEntry[] = [];
  #cache = new WeakMap<ChatEntry, Cached>();
  /** Lines scrolled up from the bottom (0 follows new output). */
  #scroll = 0;
  #expanded = false;
  #lastMaxScroll = 0;

  constructor(private readonly theme: Theme) {}

  get entries(): readonly ChatEntry[] {
    return this.#entries;
  }

  get expanded(): boolean {
    return this.#expanded;
  }

  get scrolledUp(): boolean {
    return this.#scroll > 0;
  }

  /** Replace every entry (a reloaded transcript). */
  setEntries(entries: readonly ChatEntry[]): void {
    this.#entries = entries.slice(-MAX_LOG_ENTRIES);
  }

  append(entry: ChatEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length > MAX_LOG_ENTRIES) this.#entries.splice(0, this.#entries.length - MAX_LOG_ENTRIES);
  }

  /** Replace the last entry that matches with fn's result (entries are immutable). True when one matched. */
  update(match: (e: ChatEntry) => boolean, fn: (e: ChatEntry) => ChatEntry): boolean {
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      if (match(this.#entries[i]!)) {
        this.#entries[i] = fn(this.#entries[i]!);
        return true;
      }
    }
    return false;
  }

  remove(match: (e: ChatEntry) => boolean): void {
    this.#entries = this.#entries.filter((e) => !match(e));
  }

  toggleExpanded(): void {
    this.#expanded = !this.#expanded;
  }

  /** Scroll by lines (positive: up, into older output), kept within the log. */
  scrollBy(lines: number): void {
    this.#scroll = Math.max(0, Math.min(this.#lastMaxScroll, this.#scroll + lines));
  }

  scrollToBottom(): void {
    this.#scroll = 0;
  }

  #lines(e: ChatEntry, width: number): string[] {
    const c = this.#cache.get(e);
    if (c && c.width === width && c.expanded === this.#expanded) return c.lines;
    const lines = entryLines(e, width, this.theme, this.#expanded);
    this.#cache.set(e, { width, expanded: this.#expanded, lines });
    return lines;
  }

  /** Exactly `height` lines: the viewport at the current scroll, blank-padded at the top. */
  render(width: number, height: number): string[] {
    const need = height + this.#scroll;
    const chunks: string[][] = [];
    let count = 0;
    let i = this.#entries.length - 1;
    for (; i >= 0 && count < need + 1; i--) {
      const lines = this.#lines(this.#entries[i]!, width);
      // A blank line separates an entry from the next one.
      const chunk = i < this.#entries.length - 1 ? [...lines, ''] : lines;
      chunks.push(chunk);
      count += chunk.length;
    }
    const out = chunks.reverse().flat();
    const complete = i < 0;
    // How far up one may scroll: known exactly once every entry was rendered; otherwise a screen further.
    this.#lastMaxScroll = complete ? Math.max(0, out.length - height) : out.length;
    if (this.#scroll > this.#lastMaxScroll) this.#scroll = this.#lastMaxScroll;
    const end = out.length - this.#scroll;
    const view = out.slice(Math.max(0, end - height), end);
    while (view.length < height) view.unshift('');
    return view;
  }

  /** Every line of the whole log (the worst case of a render: nothing cached, nothing skipped). */
  renderAll(width: number): string[] {
    return this.#entries.flatMap((e, i) => [...(i > 0 ? [''] : []), ...this.#lines(e, width)]);
  }
}
