/** Named limits of the agent's workspace. */

/** Most symlinks followed while resolving one path (the kernel's own limit is 40). */
export const MAX_SYMLINK_HOPS = 40;
/** Longest path a file tool accepts (characters); Linux's PATH_MAX is 4096 bytes. */
export const MAX_PATH_CHARS = 4096;
/** Most characters of one bootstrap file (AGENTS.md, SOUL.md, ...) put into the system prompt. */
export const BOOTSTRAP_FILE_MAX_CHARS = 20_000;
/** Most characters of all bootstrap files together in the system prompt. */
export const BOOTSTRAP_TOTAL_MAX_CHARS = 48_000;
/** Bytes read from a bootstrap file at most (enough for its character cap in any UTF-8). */
export const BOOTSTRAP_READ_MAX_BYTES = BOOTSTRAP_FILE_MAX_CHARS * 4;
