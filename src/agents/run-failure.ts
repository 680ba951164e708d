import { ClawgateError } from '../protocol/error-catalogue.js';
import type { ActiveRun } from './active-run.js';
import { toRunError, userReplyFor } from './provider-errors.js';
import type { RunError, RunStatus } from './runtime-api.js';
import { ProviderError, type ResolvedProvider } from './types.js';

/** How a run ended when it did not succeed. */
export interface RunFailure {
  readonly status: Exclude<RunStatus, 'queued' | 'running' | 'ok'>;
  readonly error?: RunError;
  /** The precise cause for the log (scrubbed provider detail); never shown to end users. */
  readonly logDetail?: string;
}

/**
 * Classify why a run ended: an abort by the user or shutdown, the run timeout, a classified provider failure
 (the executor already recorded it in the provider's health), or a catalogue error. Anything else is internal and logged.
 */
export function describeRunFailure(run: ActiveRun, err: unknown, providers: readonly ResolvedProvider[] = [], pauseOf: (providerId: string) => { untilMs: number; nowMs: number } | undefined = () => undefined): RunFailure {
  if (run.abortCause === 'timeout') {
    return { status: 'timeout', error: { code: 'RUN_TIMEOUT', message: `the run took longer than ${Math.round(run.timeoutMs / 1000)} s and was stopped; raise agents.defaults.timeoutSeconds or send a smaller task` } };
  }
  if (run.abortCause !== undefined) {
    const why = run.abortCause === 'shutdown' ? 'the gateway stopped' : 'it was aborted';
    return { status: 'aborted', error: { code: 'RUN_ABORTED', message: `the run ended because ${why}` } };
  }
  if (err instanceof ProviderError) {
    const provider = providers.find((p) => p.id === err.providerId);
    return { status: 'error', error: toRunError(err, provider, pauseOf(err.providerId)), logDetail: err.detail };
  }
  if (err instanceof ClawgateError) {
    const providerId = typeof err.details['providerId'] === 'string' ? err.details['providerId'] : undefined;
    const errorClass = typeof err.details['errorClass'] === 'string' ? (err.details['errorClass'] as RunError['errorClass']) : undefined;
    return { status: 'error', error: { code: err.code, message: err.message, ...(providerId ? { providerId } : {}), ...(errorClass ? { errorClass } : {}) } };
  }
  return { status: 'error', error: { code: 'INTERNAL', message: 'internal error while running the agent; see clawgate logs' }, logDetail: (err as Error)?.stack ?? String(err) };
}

/** The one short, fixed text an end user sees for a failed run (never a provider body, key, URL or stack). */
describeRunFailure.userText = (run: ActiveRun): string => {
  if (run.status === 'timeout') return userReplyFor('timeout');
  const e = run.error;
  return userReplyFor(e?.errorClass ?? (e?.code === 'MODEL_NOT_CONFIGURED' ? 'config' : 'internal'));
};
