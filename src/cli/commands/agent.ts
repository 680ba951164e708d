import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { Usage } from '../../agents/types.js';
import type { EventFrame } from '../../protocol/frames.js';
import { ClawgateError, isErrorCode } from '../../protocol/error-catalogue.js';
import type { ResultOf } from '../../protocol/methods/index.js';
import type { ChatStreamEnd } from '../chat-stream.js';
import { SessionFollower, type FollowUpRun } from '../session-follower.js';
import { CliContext } from '../context.js';
import { sessionKeyFor } from '../session-arg.js';

export { sessionKeyFor } from '../session-arg.js';
import { withRunningGateway } from '../gateway-required.js';
import { agentWait } from '../../protocol/methods/agent.js';
import { chatAbort, chatSend } from '../../protocol/methods/chat.js';

/** Longest --timeout (seconds). */
export const AGENT_MAX_TIMEOUT_SECONDS = 24 * 60 * 60;
/** How long past --timeout the CLI waits for the run's end before it aborts the run itself. */
export const AGENT_TIMEOUT_GRACE_MS = 5_000;
/** How long to wait for a failed run's classified error (the run has already ended). */
export const AGENT_ERROR_LOOKUP_MS = 5_000;
/** Longest wait for sub-agent reports after the reply (without --timeout). */
export const AGENT_FOLLOW_MAX_MS = 30 * 60_000;

type WaitResult = ResultOf<typeof agentWait>;

/** What `clawgate agent --json` prints. */
export interface AgentRunResult {
  runId: string;
  sessionKey: string;
  status: 'ok' | 'error' | 'aborted' | 'timeout';
  text: string;
  usage?: Usage;
  error?: { code: string; message: string; errorClass?: string };
  /** Runs the agent continued with when its sub-agents' reports came back (unless --no-follow). */
  followUps?: FollowUpRun[];
}

interface AgentRequest {
  readonly message: string;
  readonly sessionKey: string;
  readonly timeoutSeconds: number | undefined;
  readonly json: boolean;
  readonly follow: boolean;
}

interface AgentOptions {
  message?: string;
  agent?: string;
  session?: string;
  follow?: boolean;
}

/**
 * The `--timeout` value given after `agent`, if any. The global `--timeout MS` (RPC timeout) has the same
 * name and commander hands both to it, so the position in argv tells them apart.
 */
export function agentTimeoutArg(rawArgs: readonly string[]): string | undefined {
  const at = rawArgs.indexOf('agent');
  let value: string | undefined;
  for (let i = at + 1; at >= 0 && i < rawArgs.length; i++) {
    const a = rawArgs[i]!;
    if (a === '--') break;
    if (a === '--timeout') value = rawArgs[++i];
    else if (a.startsWith('--timeout=')) value = a.slice('--timeout='.length);
  }
  return value;
}

/** --timeout in seconds, 1..AGENT_MAX_TIMEOUT_SECONDS. */
export function parseTimeoutSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > AGENT_MAX_TIMEOUT_SECONDS) throw new ClawgateError('USAGE', `--timeout takes seconds between 1 and ${AGENT_MAX_TIMEOUT_SECONDS}, not "${value}"`);
  return n;
}

/** The error a failed run ends the command with: its catalogue code (so the exit code is right) and message. */
export function runError(runId: string, end: ChatStreamEnd, wait: WaitResult | undefined): ClawgateError {
  const details = { runId, ...(wait?.errorClass ? { errorClass: wait.errorClass } : {}) };
  if (wait?.errorCode !== undefined && isErrorCode(wait.errorCode)) return new ClawgateError(wait.errorCode, wait.error ?? end.errorMessage ?? 'the run failed', details);
  if (wait?.status === 'timeout') return new ClawgateError('RUN_TIMEOUT', wait.error ?? `run ${runId} timed out`, details);
  if (end.state === 'aborted' || wait?.status === 'aborted') return new ClawgateError('RUN_ABORTED', `run ${runId} was aborted`, details);
  return new ClawgateError('INTERNAL', `${end.errorMessage ?? 'the run failed'} (run ${runId}; see clawgate logs)`, details);
}

type Outcome = { kind: 'end'; end: ChatStreamEnd } | { kind: 'interrupted' } | { kind: 'watchdog' };
type FollowOutcome = 'settled' | 'interrupted' | 'watchdog';

/** Send the message, follow the run's chat events (streaming the reply when live), and describe its end. */
async function followRun(c: CliContext, rpc: CliContext, req: AgentRequest): Promise<AgentRunResult> {
  const runId = randomUUID();
  const follower = new SessionFollower(runId);
  let printed = '';
  const live = !req.json && c.io.write !== undefined;
  // On a terminal stdout and stderr share the screen: a note after a half-printed line starts on its own.
  let midLine = false;
  const write = (s: string) => {
    if (!live || s === '') return;
    c.io.write!(s);
    midLine = !s.endsWith('\n');
  };
  const note = (s: string) => {
    if (!live) return;
    c.io.err(midLine ? `\n${s}` : s);
    midLine = false;
  };
  return withRunningGateway(
    rpc,
    [chatSend, chatAbort, agentWait],
    async (client) => {
      let settle!: (o: Outcome) => void;
      let fail!: (e: Error) => void;
      const outcome = new Promise<Outcome>((resolve, reject) => {
        settle = resolve;
        fail = reject;
      });
      outcome.catch(() => undefined); // observed below; a close during chat.send rejects both
      let followed!: (o: FollowOutcome) => void;
      const following = new Promise<FollowOutcome>((resolve) => (followed = resolve));
      let firstDone = false;
      const onEvent = (f: EventFrame) => {
        const step = follower.feed(f);
        if (step.note) note(step.note);
        write(step.print);
        if (!firstDone) printed += step.print;
        if (step.firstEnd) {
          firstDone = true;
          settle({ kind: 'end', end: step.firstEnd });
        } else if (firstDone && step.settled !== undefined) write('\n'); // a follow-up run ended
        if (step.settled) followed('settled');
      };
      const onClose = (code: number, reason: string) =>
        fail(new ClawgateError('GATEWAY_CLOSED', `the gateway closed the connection (${code}${reason ? `: ${reason}` : ''}) before run ${runId} ended; see clawgate sessions history ${req.sessionKey}`));
      const onSigint = () => {
        settle({ kind: 'interrupted' });
        followed('interrupted');
      };
      client.on('event', onEvent);
      client.on('close', onClose);
      process.on('SIGINT', onSigint);
      const watchdog = req.timeoutSeconds !== undefined ? setTimeout(() => settle({ kind: 'watchdog' }), req.timeoutSeconds * 1000 + AGENT_TIMEOUT_GRACE_MS) : undefined;
      try {
        await client.call(chatSend, { sessionKey: req.sessionKey, message: req.message, idempotencyKey: runId, ...(req.timeoutSeconds !== undefined ? { timeoutMs: req.timeoutSeconds * 1000 } : {}) });
        const o = await outcome;
        const base = { runId, sessionKey: req.sessionKey, text: printed };
        if (o.kind !== 'end') {
          await client.call(chatAbort, { sessionKey: req.sessionKey, runId }).catch(() => undefined);
          if (printed !== '') write('\n');
          const error =
            o.kind === 'interrupted'
              ? new ClawgateError('RUN_ABORTED', `interrupted: run ${runId} was aborted`, { runId })
              : new ClawgateError('RUN_TIMEOUT', `run ${runId} did not end within ${req.timeoutSeconds} s; it was aborted`, { runId });
          return { ...base, status: o.kind === 'interrupted' ? 'aborted' : 'timeout', error: { code: error.code, message: error.message } };
        }
        const { end } = o;
        const result: AgentRunResult = { ...base, sessionKey: end.sessionKey ?? req.sessionKey, text: end.text, status: 'ok', ...(end.usage ? { usage: end.usage } : {}) };
        if (end.state === 'final') {
          write('\n');
          if (req.follow && follower.pending > 0) result.followUps = await followReports(follower, following, req, note);
          return result;
        }
        const wait = await client.call(agentWait, { runId, timeoutMs: AGENT_ERROR_LOOKUP_MS }).catch(() => undefined);
        if (printed !== '') write('\n');
        const error = runError(runId, end, wait);
        const status = wait?.status === 'timeout' || error.code === 'RUN_TIMEOUT' ? 'timeout' : end.state === 'aborted' ? 'aborted' : 'error';
        return { ...result, status, error: { code: error.code, message: error.message, ...(wait?.errorClass ? { errorClass: wait.errorClass } : {}) } };
      } finally {
        client.off('event', onEvent);
        client.off('close', onClose);
        process.off('SIGINT', onSigint);
        if (watchdog) clearTimeout(watchdog);
      }
    },
    ['operator.read'],
  );
}

/** After the reply: wait until every spawned sub-agent's report was answered (or Ctrl-C, or the time limit). */
async function followReports(follower: SessionFollower, following: Promise<FollowOutcome>, req: AgentRequest, note: (s: string) => void): Promise<FollowUpRun[]> {
  note(`[waiting for ${follower.pending} sub-agent report${follower.pending === 1 ? '' : 's'}; Ctrl-C stops waiting, the sub-agents keep running]`);
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<FollowOutcome>((resolve) => (timer = setTimeout(() => resolve('watchdog'), req.timeoutSeconds !== undefined ? req.timeoutSeconds * 1000 : AGENT_FOLLOW_MAX_MS)));
  const how = await Promise.race([following, limit]);
  clearTimeout(timer);
  if (how !== 'settled') note(`[stopped waiting with ${follower.pending} report(s) to come; see clawgate sessions history ${req.sessionKey}]`);
  return [...follower.followUps];
}

/** `clawgate agent -m TEXT`: send a message to an agent and stream its reply. */
export function register(program: Command, ctx: () => CliContext): void {
  program
    .command('agent')
    .description("send a message to an agent and stream its reply (needs the running gateway)")
    .requiredOption('-m, --message <text>', 'the message')
    .option('--agent <id>', "the agent (default: the default agent); its main session unless --session")
    .option('--session <key>', 'the session key, e.g. agent:main:main')
    .option('--timeout <seconds>', `stop the run after this many seconds (1-${AGENT_MAX_TIMEOUT_SECONDS}; default: the agent's timeout)`)
    .option('--no-follow', "exit after the reply, without waiting for the reports of sub-agents it spawned")
    .option('--json', 'print one JSON object {runId, sessionKey, status, text, usage?, error?, followUps?} at the end')
    .action(async (opts: AgentOptions, cmd: Command) => {
      const c = ctx();
      // The global --timeout (RPC milliseconds) takes every --timeout; one after `agent` is this command's seconds.
      const rawArgs = (cmd.parent as (Command & { rawArgs?: string[] }) | null)?.rawArgs ?? [];
      const own = agentTimeoutArg(rawArgs);
      const timeoutSeconds = parseTimeoutSeconds(own);
      const { timeout: _rpcTimeout, ...globals } = c.globals;
      const rpc = own !== undefined ? new CliContext(c.io, globals) : c;
      const message = opts.message ?? '';
      if (message.trim() === '') throw new ClawgateError('USAGE', '-m/--message takes a non-empty message');
      const req: AgentRequest = { message, sessionKey: sessionKeyFor(opts), timeoutSeconds, json: c.json, follow: opts.follow !== false };
      const result = await followRun(c, rpc, req);
      const failure = result.error ? new ClawgateError(isErrorCode(result.error.code) ? result.error.code : 'INTERNAL', result.error.message, { runId: result.runId }) : undefined;
      if (req.json) {
        c.printJson(result);
        c.failure = failure;
        return;
      }
      // Without a live stdout (collected output) the reply is printed whole.
      if (c.io.write === undefined && result.text !== '') c.io.out(result.text);
      if (c.io.write === undefined) for (const f of result.followUps ?? []) if (f.text !== '') c.io.out(f.text);
      if (failure) throw failure;
    });
}
