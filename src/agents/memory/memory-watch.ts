import { watch, type FSWatcher } from 'node:fs';
import { MAX_WATCHED_DIRS } from './memory-limits.js';
import { MEMORY_DIR, MEMORY_FILE } from './memory-paths.js';

/**
 * Change hints for a workspace's note folders: one non-recursive watcher per folder (recursive watching is
 * not dependable on Linux with Node 20). Any event marks the notes dirty; a folder that cannot be watched
 * (inotify limit, too many folders) makes the watch unhealthy, and the index then re-checks every file on
 * every search. Watching only saves work: it never decides alone that nothing changed for long
 * (FULL_RESCAN_INTERVAL_MS).
 */
export class MemoryWatch {
  readonly #watchers = new Map<string, FSWatcher>();
  #root: string | undefined;
  #dirty = true;
  #healthy = false;

  /** True when something may have changed since the last `clean()`. */
  get dirty(): boolean {
    return this.#dirty || !this.#healthy;
  }

  /** Mark the notes as checked (call before the check, so events during it count). */
  clean(): void {
    this.#dirty = false;
  }

  /** Watch exactly these folders (the first is the workspace root, where only MEMORY.md and memory/ matter). */
  watchDirs(dirs: readonly string[]): void {
    this.#root = dirs[0];
    const wanted = new Set(dirs.slice(0, MAX_WATCHED_DIRS));
    let healthy = dirs.length > 0 && dirs.length <= MAX_WATCHED_DIRS;
    for (const [dir, w] of this.#watchers) {
      if (!wanted.has(dir)) {
        w.close();
        this.#watchers.delete(dir);
      }
    }
    for (const dir of wanted) {
      if (this.#watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, (_event, name) => this.#onEvent(dir, name));
        w.on('error', () => this.#lost(dir));
        this.#watchers.set(dir, w);
      } catch {
        healthy = false;
      }
    }
    this.#healthy = healthy;
  }

  #onEvent(dir: string, name: string | Buffer | null): void {
    // In the workspace root, other files change all the time (the agent's own work); they do not matter here.
    if (dir === this.#root && name !== null && String(name) !== MEMORY_FILE && String(name) !== MEMORY_DIR) return;
    this.#dirty = true;
  }

  #lost(dir: string): void {
    this.#watchers.get(dir)?.close();
    this.#watchers.delete(dir);
    this.#healthy = false;
    this.#dirty = true;
  }

  /** Stop every watcher. */
  close(): void {
    for (const w of this.#watchers.values()) w.close();
    this.#watchers.clear();
    this.#healthy = false;
  }
}
