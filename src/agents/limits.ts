/** Named limits of the agent runtime. */

/** Most model calls in one run (each tool round is one call); a model that keeps calling tools stops here. */
export const MAX_MODEL_ROUNDS = 24;
/** Most runs waiting in one session's queue; more are refused with AGENT_QUEUE_FULL. */
export const MAX_QUEUED_PER_SESSION = 64;
/** Most runs queued or running in the whole gateway. */
export const MAX_PENDING_RUNS = 2000;
/** Finished runs remembered for agent.wait and idempotent repeats (oldest forgotten first). */
export const MAX_REMEMBERED_RUNS = 2000;
/** Longest tool result kept in the transcript (characters). */
export const MAX_TOOL_RESULT_CHARS = 64 * 1024;
/** Longest wait of sessions_send for a reply. */
export const MAX_SEND_WAIT_MS = 10 * 60_000;
/** Default history entries a tool reads. */
export const TOOL_HISTORY_DEFAULT = 20;
/** Most transcript messages sent to the model in one call (older ones stay stored). */
export const MAX_CONTEXT_MESSAGES = 400;
/** Failed runs remembered for `status` (newest first). */
export const MAX_RECENT_FAILURES = 20;
/** Least time between two `chat` deltas of a run (each carries the whole text; the first goes out at once). */
export const DELTA_INTERVAL_MS = 50;
/** Longest reply one model call may stream; the rest is cut (a runaway or hostile endpoint). */
export const MAX_REPLY_CHARS = 1024 * 1024;
/** Longest final text a finished run's remembered snapshot keeps (the transcript has it all). */
export const MAX_SNAPSHOT_TEXT_CHARS = 64 * 1024;

/** How long a reset or delete waits for the session's aborted runs to end before it clears the transcript. */
export const SESSION_RESET_WAIT_MS = 5_000;
