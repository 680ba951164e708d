import { chmodSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from '../../store/sqlite-driver.js';
import { chunkMarkdown } from './chunk-markdown.js';
import { ftsExpression, queryTerms } from './fts-query.js';
import { listMemoryFiles, type MemoryFileStat } from './memory-files.js';
import { DEFAULT_SEARCH_RESULTS, FULL_RESCAN_INTERVAL_MS, MAX_MEMORY_FILE_BYTES, MAX_SEARCH_RESULTS, SNIPPET_TOKENS } from './memory-limits.js';
import { MEMORY_HINT } from './memory-paths.js';
import { MemoryWatch } from './memory-watch.js';

/** Layout version of an index file; a file of another version is rebuilt (the index is derived data). */
export const MEMORY_INDEX_VERSION = 1;

const SCHEMA = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
  CREATE TABLE files (path TEXT PRIMARY KEY, mtime_ms REAL NOT NULL, size INTEGER NOT NULL, skipped TEXT) STRICT;
  CREATE TABLE chunks (id INTEGER PRIMARY KEY, path TEXT NOT NULL, start_line INTEGER NOT NULL, end_line INTEGER NOT NULL) STRICT;
  CREATE INDEX chunks_path ON chunks(path);
  -- Porter stemming, so "meeting" finds "meetings"; the heading column weighs double in the rank.
  CREATE VIRTUAL TABLE chunks_fts USING fts5(heading, body, tokenize = 'porter unicode61 remove_diacritics 2');
  INSERT INTO chunks_fts(chunks_fts, rank) VALUES ('rank', 'bm25(2.0, 1.0)');
`;

/** One hit: where it is (workspace-relative path, 1-based inclusive lines), the matched text, its relevance. */
export interface MemoryHit {
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly snippet: string;
  /** Higher is more relevant (FTS5's bm25, negated). */
  readonly score: number;
}

/** What a search returns: the hits, and a hint when there is nothing to search or nothing was found. */
export interface MemorySearchResult {
  readonly results: MemoryHit[];
  readonly files: number;
  readonly hint?: string;
}

/** What one sync changed. */
export interface SyncReport {
  readonly scanned: boolean;
  readonly added: number;
  readonly updated: number;
  readonly removed: number;
  readonly files: number;
  /** Files over MAX_MEMORY_FILE_BYTES or unreadable, by path. */
  readonly skipped: readonly string[];
  readonly truncated: boolean;
  /** Paths left out because they lead outside the workspace's memory paths (symlinks). */
  readonly refused: readonly string[];
}

interface FileRow {
  path: string;
  mtime_ms: number;
  size: number;
}

interface HitRow {
  id: number;
  path: string;
  start_line: number;
  end_line: number;
  snippet: string;
  score: number;
}

/** Where an index lives and what it indexes. */
export interface MemoryIndexOptions {
  /** The index file (e.g. `<stateDir>/memory/<agentId>.sqlite`). */
  readonly dbPath: string;
  readonly workspace: string;
  readonly now?: () => number;
}

function openFile(dbPath: string, workspace: string): Database.Database {
  mkdirSync(dirname(dbPath), { recursive: true, mode: 0o700 });
  const db = new Database(dbPath);
  try {
    // Private before WAL mode: SQLite gives the -wal and -shm files the main file's mode.
    chmodSync(dbPath, 0o600);
    db.pragma('journal_mode = WAL');
    // Derived data: a lost last write is rebuilt by the next sync.
    db.pragma('synchronous = OFF');
    const version = db.pragma('user_version', { simple: true }) as number;
    const indexed = version === MEMORY_INDEX_VERSION ? (db.prepare("SELECT value FROM meta WHERE key = 'workspace'").pluck().get() as string | undefined) : undefined;
    if (version !== 0 && indexed !== workspace) throw new Error('index of another version or workspace');
    if (version === 0) {
      db.transaction(() => {
        db.exec(SCHEMA);
        db.prepare("INSERT INTO meta (key, value) VALUES ('workspace', ?)").run(workspace);
        db.pragma(`user_version = ${MEMORY_INDEX_VERSION}`);
      })();
    }
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function removeFiles(dbPath: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
}

/**
 * A full-text index (SQLite FTS5) of one agent's notes, MEMORY.md and memory/**.md, in its own file outside
 * state.db. Before each search it follows the notes: changed and new files are re-indexed, deleted ones
 * dropped, judged by (path, mtime, size). Folder watchers make that check free when nothing changed; without
 * them every file is stat'ed.
 */
export class MemoryIndex {
  readonly #db: Database.Database;
  readonly #workspace: string;
  readonly #now: () => number;
  readonly #watch = new MemoryWatch();
  #lastScanMs = Number.NEGATIVE_INFINITY;
  #last: SyncReport = { scanned: false, added: 0, updated: 0, removed: 0, files: 0, skipped: [], truncated: false, refused: [] };
  readonly #q;

  private constructor(db: Database.Database, workspace: string, now: () => number) {
    this.#db = db;
    this.#workspace = workspace;
    this.#now = now;
    this.#q = {
      files: db.prepare<[], FileRow>('SELECT path, mtime_ms, size FROM files'),
      upsertFile: db.prepare('INSERT INTO files (path, mtime_ms, size, skipped) VALUES (?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET mtime_ms = excluded.mtime_ms, size = excluded.size, skipped = excluded.skipped'),
      deleteFile: db.prepare<[string]>('DELETE FROM files WHERE path = ?'),
      deleteFts: db.prepare<[string]>('DELETE FROM chunks_fts WHERE rowid IN (SELECT id FROM chunks WHERE path = ?)'),
      deleteChunks: db.prepare<[string]>('DELETE FROM chunks WHERE path = ?'),
      insertChunk: db.prepare<[string, number, number]>('INSERT INTO chunks (path, start_line, end_line) VALUES (?, ?, ?)'),
      insertFts: db.prepare<[number | bigint, string, string]>('INSERT INTO chunks_fts (rowid, heading, body) VALUES (?, ?, ?)'),
      skipped: db.prepare<[], string>('SELECT path FROM files WHERE skipped IS NOT NULL ORDER BY path').pluck(),
      search: db.prepare<[string, number], HitRow>(
        `SELECT c.id, c.path, c.start_line, c.end_line, snippet(chunks_fts, 1, '**', '**', '…', ${SNIPPET_TOKENS}) AS snippet, rank AS score
         FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid WHERE chunks_fts MATCH ? ORDER BY rank LIMIT ?`,
      ),
    };
  }

  /**
   * Open (or create) the index file, 0600 in a 0700 folder. A file that cannot be used (another layout
   * version, another workspace, not a database) is deleted and rebuilt: it holds nothing that is not in
   * the notes.
   */
  static open(opts: MemoryIndexOptions): MemoryIndex {
    const workspace = resolve(opts.workspace);
    let db: Database.Database;
    try {
      db = openFile(opts.dbPath, workspace);
    } catch {
      removeFiles(opts.dbPath);
      db = openFile(opts.dbPath, workspace);
    }
    return new MemoryIndex(db, workspace, opts.now ?? Date.now);
  }

  /** The workspace whose notes this index holds. */
  get workspace(): string {
    return this.#workspace;
  }

  /**
   * Bring the index up to date with the notes; returns what changed. Skipped (scanned: false) when the
   * watchers saw no change and the last full check is recent.
   */
  sync(): SyncReport {
    const now = this.#now();
    if (!this.#watch.dirty && now - this.#lastScanMs < FULL_RESCAN_INTERVAL_MS) return { ...this.#last, scanned: false, added: 0, updated: 0, removed: 0 };
    this.#watch.clean();
    this.#lastScanMs = now;
    const listing = listMemoryFiles(this.#workspace);
    this.#watch.watchDirs(listing.dirs);
    const known = new Map(this.#q.files.all().map((r) => [r.path, r]));
    let added = 0;
    let updated = 0;
    let removed = 0;
    this.#db.transaction(() => {
      for (const f of listing.files) {
        const row = known.get(f.rel);
        known.delete(f.rel);
        if (row && row.mtime_ms === f.mtimeMs && row.size === f.size) continue;
        if (row) updated++;
        else added++;
        this.#index(f);
      }
      for (const path of known.keys()) {
        this.#drop(path);
        removed++;
      }
    })();
    this.#last = { scanned: true, added, updated, removed, files: listing.files.length, skipped: this.#q.skipped.all(), truncated: listing.truncated, refused: listing.refused };
    return this.#last;
  }

  #drop(path: string): void {
    this.#q.deleteFts.run(path);
    this.#q.deleteChunks.run(path);
    this.#q.deleteFile.run(path);
  }

  #index(f: MemoryFileStat): void {
    this.#q.deleteFts.run(f.rel);
    this.#q.deleteChunks.run(f.rel);
    let text: string | undefined;
    let skipped: string | null = null;
    if (f.size > MAX_MEMORY_FILE_BYTES) skipped = `larger than ${MAX_MEMORY_FILE_BYTES} bytes`;
    else {
      try {
        text = readFileSync(f.real, 'utf8');
      } catch (err) {
        skipped = `unreadable (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
      }
    }
    // The stamp is recorded for a skipped file too, so it is not read again until it changes.
    this.#q.upsertFile.run(f.rel, f.mtimeMs, f.size, skipped);
    if (text === undefined) return;
    for (const c of chunkMarkdown(text)) {
      const id = this.#q.insertChunk.run(f.rel, c.startLine, c.endLine).lastInsertRowid;
      this.#q.insertFts.run(id, c.heading, c.text);
    }
  }

  /**
   * Search the notes (after a sync): every word of the query first, then any word to fill up the results.
   * The query is reduced to quoted words, so FTS5 syntax in it is never parsed; no words, no hits.
   */
  async search(query: string, maxResults = DEFAULT_SEARCH_RESULTS): Promise<MemorySearchResult> {
    // Let pending watcher events arrive (they are read between event-loop turns) before deciding on a re-check.
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setImmediate(r));
    return this.searchNow(query, maxResults);
  }

  /** search() without waiting for watcher events: for callers that know nothing changed meanwhile. */
  searchNow(query: string, maxResults = DEFAULT_SEARCH_RESULTS): MemorySearchResult {
    const limit = Math.max(1, Math.min(MAX_SEARCH_RESULTS, Math.floor(maxResults)));
    const report = this.sync();
    if (report.files === 0) return { results: [], files: 0, hint: `no memory files yet: ${MEMORY_HINT}` };
    const terms = queryTerms(query);
    if (terms.length === 0) return { results: [], files: report.files, hint: 'the query has no words to search for; ask with a few keywords' };
    const rows = this.#q.search.all(ftsExpression(terms, 'all'), limit);
    if (rows.length < limit && terms.length > 1) {
      const seen = new Set(rows.map((r) => r.id));
      for (const r of this.#q.search.all(ftsExpression(terms, 'any'), limit)) {
        if (rows.length >= limit) break;
        if (!seen.has(r.id)) rows.push(r);
      }
    }
    const results = rows.map((r) => ({ path: r.path, startLine: r.start_line, endLine: r.end_line, snippet: r.snippet, score: Math.round(-r.score * 1000) / 1000 }));
    const notes = [
      ...(results.length === 0 ? [`no note matches ${JSON.stringify(terms.join(' '))}; try other words`] : []),
      ...(report.truncated ? ['more notes exist than are indexed; some were left out'] : []),
    ];
    return { results, files: report.files, ...(notes.length > 0 ? { hint: notes.join('; ') } : {}) };
  }

  /** Stop watching and close the file. */
  close(): void {
    this.#watch.close();
    this.#db.close();
  }
}
