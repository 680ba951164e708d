import type { Api } from 'grammy';
import type { Logger } from 'pino';
import { userReplyFor } from '../../agents/provider-errors.js';
import type { AgentRuntimeApi, RunSnapshot } from '../../agents/runtime-api.js';
import { ClawgateError } from '../../protocol/error-catalogue.js';
import { sendText } from './send.js';

/** Telegram shows "typing…" for about 5 s; it is renewed this often while the run goes on. */
export const TYPING_INTERVAL_MS = 4000;
/** Longest wait for one run (the run's own timeout normally ends it long before). */
export const MAX_RUN_WAIT_MS = 30 * 60_000;

/** What a conversation turn needs from its channel. */
export interface TurnDeps {
  readonly runtime: AgentRuntimeApi;
  readonly api: Api;
  readonly log: Logger;
  /** Aborted when the channel closes: the turn stops waiting and answers nothing. */
  readonly signal: AbortSignal;
  /** Tell the owner the precise cause (status lastError and the log); never shown to the sender. */
  readonly reportFailure: (cause: string) => void;
  /** Describe an error without the bot token in it. */
  readonly describe: (err: unknown) => string;
}

/** One accepted inbound message. */
export interface Turn {
  readonly sessionKey: string;
  readonly chatId: number;
  readonly senderId: string;
  readonly text: string;
  readonly replyTo?: number;
}

/** The fixed text a sender sees for a failed run (class, else code, else internal). */
export function failureReply(snap: RunSnapshot | undefined): string {
  if (!snap) return userReplyFor('timeout');
  if (snap.status === 'timeout') return userReplyFor(snap.error?.errorClass ?? 'RUN_TIMEOUT');
  return userReplyFor(snap.error?.errorClass ?? snap.error?.code ?? 'internal');
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | 'closed'> {
  if (signal.aborted) return Promise.resolve('closed');
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve('closed');
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/**
 * Run the agent on a message and answer: "typing…" while the run goes on, then the final text (chunked, HTML
 * with a plain fallback). A failed run gets exactly one short fixed reply; the owner gets the cause.
 */
export async function runTurn(deps: TurnDeps, turn: Turn): Promise<void> {
  const { runtime, api, log } = deps;
  const typing = () => void api.sendChatAction(turn.chatId, 'typing').catch((err: unknown) => log.debug({ err: deps.describe(err) }, 'telegram typing indicator failed'));
  let reply: string;
  let ok = false;
  let runId: string | undefined;
  typing();
  const timer = setInterval(typing, TYPING_INTERVAL_MS);
  try {
    runId = runtime.send({ sessionKey: turn.sessionKey, message: turn.text, origin: { kind: 'channel', channel: 'telegram', senderId: turn.senderId } }).runId;
    const snap = await abortable(runtime.wait(runId, MAX_RUN_WAIT_MS), deps.signal);
    if (snap === 'closed') return;
    if (snap?.status === 'ok') {
      ok = true;
      reply = snap.text ?? '';
    } else {
      reply = failureReply(snap);
      const cause = snap?.error ? `${snap.error.code}: ${snap.error.message}` : snap ? `run ${snap.status}` : `no result within ${MAX_RUN_WAIT_MS / 60_000} min`;
      deps.reportFailure(`run ${runId} in ${turn.sessionKey} failed (${cause}); the sender got: "${reply}"`);
    }
  } catch (err) {
    if (deps.signal.aborted) return;
    const code = err instanceof ClawgateError ? err.code : 'INTERNAL';
    reply = userReplyFor(code);
    deps.reportFailure(`message from ${turn.senderId} in ${turn.sessionKey} was not run (${code}: ${err instanceof Error ? err.message : String(err)}); the sender got: "${reply}"`);
  } finally {
    clearInterval(timer);
  }
  if (reply.trim() === '') {
    log.info({ sessionKey: turn.sessionKey, runId }, 'telegram: the run ended without text; nothing to send');
    return;
  }
  try {
    const report = await sendText(api, turn.chatId, reply, turn.replyTo !== undefined ? { replyTo: turn.replyTo } : {});
    if (report.plainFallbacks > 0) log.info({ sessionKey: turn.sessionKey, chunks: report.chunks, plainFallbacks: report.plainFallbacks }, 'telegram refused the HTML of a reply; sent as plain text');
  } catch (err) {
    deps.reportFailure(`could not deliver ${ok ? 'the reply' : 'the failure notice'} of ${turn.sessionKey} to chat ${turn.chatId}: ${deps.describe(err)}`);
  }
}
