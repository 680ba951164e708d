/** Named limits of the memory index (one per agent, derived from its workspace's notes). */

/** Most note files indexed per agent; files beyond it (in path order) are left out and the result says so. */
export const MAX_MEMORY_FILES = 20_000;
/** Largest note file indexed or read by memory_get; larger ones are skipped (named in the index's stats). */
export const MAX_MEMORY_FILE_BYTES = 1024 * 1024;
/** Deepest folder under memory/ that is looked at (memory/a/b/c/d/x.md is depth 4). */
export const MAX_MEMORY_DEPTH = 4;
/** Most folders watched for changes; more than this and every search re-checks every file instead. */
export const MAX_WATCHED_DIRS = 256;
/** A chunk grows by paragraphs up to about this many characters, then a new one starts. */
export const MAX_CHUNK_CHARS = 1200;
/** Even with change watching, every file is re-checked at least this often (a watcher can miss events). */
export const FULL_RESCAN_INTERVAL_MS = 30_000;
/** Most words of a query used for the search (the rest are dropped). */
export const MAX_QUERY_TERMS = 24;
/** Results of memory_search when the model asks for no number, and the most it may ask for. */
export const DEFAULT_SEARCH_RESULTS = 6;
export const MAX_SEARCH_RESULTS = 50;
/** Tokens of context FTS5's snippet() shows around the matched words. */
export const SNIPPET_TOKENS = 24;
/** Lines memory_get returns when the model asks for no number, and the most it may ask for. */
export const DEFAULT_GET_LINES = 120;
export const MAX_GET_LINES = 1000;
