import type { RunSnapshot } from './runtime-api.js';

/** Longest result text carried in a report; the full text stays in the child's transcript. */
export const MAX_REPORT_RESULT_CHARS = 16_000;

/**
 * The message announced into the requester's session when a sub-agent ends. Status, duration and tokens
 * come from the runtime's record of the run, never from what the model said about itself.
 */
export function subagentReport(childSessionKey: string, label: string | undefined, snap: RunSnapshot): string {
  const seconds = ((snap.endedAtMs ?? snap.queuedAtMs) - (snap.startedAtMs ?? snap.queuedAtMs)) / 1000;
  const body = snap.status === 'ok' ? (snap.text ?? '') : `${snap.error?.message ?? snap.status}`;
  const result = body.length > MAX_REPORT_RESULT_CHARS ? `${body.slice(0, MAX_REPORT_RESULT_CHARS)}…[truncated; see sessions_history ${childSessionKey}]` : body;
  return [
    `[sub-agent report] ${label ? `"${label}" ` : ''}(${childSessionKey})`,
    `status: ${snap.status}`,
    `duration: ${seconds.toFixed(1)} s`,
    `tokens: ${snap.usage.inputTokens} in, ${snap.usage.outputTokens} out`,
    `run: ${snap.runId}`,
    snap.status === 'ok' ? 'result:' : 'error:',
    result || '(no text)',
  ].join('\n');
}
