/** Named limits of the exec and process tools. */

/** Longest command exec accepts (characters). */
export const MAX_COMMAND_CHARS = 16 * 1024;
/** Processes running at once in one session; one more is refused with EXEC_PROCESS_LIMIT. */
export const MAX_PROCESSES_PER_SESSION = 8;
/** Processes running at once in the whole gateway. */
export const MAX_PROCESSES_TOTAL = 64;
/** Between SIGTERM and SIGKILL when a process is stopped (timeout, kill, session end, gateway stop). */
export const KILL_GRACE_MS = 2_000;
/** After its shell exits, how long a process's output may still drain before its pipes are closed. */
export const EXIT_DRAIN_MS = 1_000;
/** How long a finished process stays listed for poll and log. */
export const FINISHED_KEEP_MS = 30 * 60_000;
/** Finished processes kept per session (oldest forgotten first). */
export const MAX_FINISHED_PER_SESSION = 16;
/** Largest single stdin write of `process write` (bytes). */
export const MAX_STDIN_WRITE_BYTES = 64 * 1024;
/**
 * Most output characters one tool result carries (head and tail kept): a result must fit the transcript's
 * tool-result limit (MAX_TOOL_RESULT_CHARS, 64 Ki) once JSON-escaped; the whole log stays readable with
 * `process log`.
 */
export const MAX_RESULT_OUTPUT_CHARS = 40_000;
/** Lines `process log` returns when no limit is given, and the most it returns at once. */
export const LOG_DEFAULT_LINES = 200;
export const LOG_MAX_LINES = 2_000;
/** How long the one-time bubblewrap probe may take before the sandbox counts as unusable (under doctor's 8 s per check). */
export const SANDBOX_PROBE_TIMEOUT_MS = 5_000;
/** Longest stderr of a failed probe kept in the reason (characters). */
export const PROBE_REASON_CHARS = 300;
