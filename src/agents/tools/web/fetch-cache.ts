import type { FetchedPage } from './fetch-page.js';
import { FETCH_CACHE_MAX_CHARS, FETCH_CACHE_MAX_ENTRIES } from './limits.js';

interface Entry {
  readonly page: FetchedPage;
  readonly expiresAt: number;
  readonly chars: number;
}

/** Bounds of a cache; the defaults are the named limits. */
export interface FetchCacheOptions {
  readonly maxEntries?: number;
  readonly maxChars?: number;
  readonly now?: () => number;
}

/**
 * Recently fetched pages in memory, least recently used dropped first, bounded in entries and in characters
 * of text; an entry lives for the TTL it was stored with (0 stores nothing).
 */
export class FetchCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #maxChars: number;
  readonly #now: () => number;
  #chars = 0;

  constructor(options: FetchCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? FETCH_CACHE_MAX_ENTRIES;
    this.#maxChars = options.maxChars ?? FETCH_CACHE_MAX_CHARS;
    this.#now = options.now ?? Date.now;
  }

  /** The key of one fetch: what decides its text (the URL, the mode, the length) and what may be reached. */
  static keyOf(url: string, mode: string, maxChars: number, allowPrivate: readonly string[]): string {
    return JSON.stringify([url, mode, maxChars, allowPrivate]);
  }

  /** The page stored under key if it has not expired (it becomes the most recently used). */
  get(key: string): FetchedPage | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#drop(key, entry);
    if (entry.expiresAt <= this.#now()) return undefined;
    this.#entries.set(key, entry);
    this.#chars += entry.chars;
    return entry.page;
  }

  /** Store a page for ttlMs; a page bigger than the whole cache is not stored. */
  set(key: string, page: FetchedPage, ttlMs: number): void {
    const old = this.#entries.get(key);
    if (old) this.#drop(key, old);
    const chars = page.text.length + page.title.length + page.finalUrl.length;
    if (ttlMs <= 0 || chars > this.#maxChars) return;
    while (this.#entries.size >= this.#maxEntries || this.#chars + chars > this.#maxChars) {
      const [oldestKey, oldest] = this.#entries.entries().next().value as [string, Entry];
      this.#drop(oldestKey, oldest);
    }
    this.#entries.set(key, { page, expiresAt: this.#now() + ttlMs, chars });
    this.#chars += chars;
  }

  /** Entries and characters held (for tests and status). */
  get size(): { entries: number; chars: number } {
    return { entries: this.#entries.size, chars: this.#chars };
  }

  #drop(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#chars -= entry.chars;
  }
}
