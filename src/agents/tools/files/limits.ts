/** Named limits of the file tools (read, write, edit, apply_patch, ls, grep). */

const KiB = 1024;
const MiB = 1024 * KiB;

/** A file with a NUL byte in its first this many bytes is binary (what git and grep check too). */
export const BINARY_SNIFF_BYTES = 8 * KiB;
/** Bytes read from a file at a time. */
export const READ_CHUNK_BYTES = 64 * KiB;
/** Lines `read` shows when no limit is given. */
export const READ_DEFAULT_LINES = 2000;
/** Most lines `read` shows in one call. */
export const READ_MAX_LINES = 10_000;
/** Longer lines are cut in `read` (and in grep results at GREP_LINE_CHARS) with a marker. */
export const READ_MAX_LINE_CHARS = 2000;
/** Most characters of one `read` result (below the transcript's tool result cap, so nothing is cut silently). */
export const READ_MAX_OUTPUT_CHARS = 50_000;
/** Bytes `read` scans to count a file's lines for its header; past it the count is "at least". */
export const READ_MAX_SCAN_BYTES = 64 * MiB;
/** Largest content `write` accepts (UTF-8 bytes). */
export const WRITE_MAX_BYTES = 4 * MiB;
/** Largest file `edit` and `apply_patch` change (they hold it in memory). */
export const EDIT_MAX_FILE_BYTES = 4 * MiB;
/** Most line numbers an ambiguous `edit` lists. */
export const EDIT_MAX_LISTED_MATCHES = 20;
/** Longest `apply_patch` input (characters). */
export const PATCH_MAX_CHARS = 4 * MiB;
/** Most files one patch may touch. */
export const PATCH_MAX_FILES = 100;
/** Folder levels `ls` lists when no depth is given. */
export const LS_DEFAULT_DEPTH = 1;
/** Most folder levels one `ls` lists. */
export const LS_MAX_DEPTH = 5;
/** Most entries one `ls` lists. */
export const LS_MAX_ENTRIES = 500;
/** Longest grep pattern (characters); a long pattern is more likely to backtrack badly. */
export const GREP_MAX_PATTERN_CHARS = 1000;
/** Matches grep returns when no maxResults is given. */
export const GREP_DEFAULT_RESULTS = 100;
/** Most matches one grep returns. */
export const GREP_MAX_RESULTS = 500;
/** Longest text of one grep result line (characters). */
export const GREP_LINE_CHARS = 300;
/** Files larger than this are skipped by grep (and counted as skipped). */
export const GREP_MAX_FILE_BYTES = 4 * MiB;
/** Most bytes one grep reads in total; it stops there and says so. */
export const GREP_MAX_SCAN_BYTES = 64 * MiB;
/** Most directory entries one grep looks at (files and folders). */
export const GREP_MAX_ENTRIES = 50_000;
/** Most characters of one grep result. */
export const GREP_MAX_OUTPUT_CHARS = 50_000;
/** Folders grep never descends into. */
export const GREP_SKIPPED_DIRS: readonly string[] = ['.git', 'node_modules'];
