import { Type } from '@sinclair/typebox';
import type { ExecDecision } from '../../approvals/types.js';
import { ClawgateError } from '../../protocol/error-catalogue.js';
import { launchFor } from './exec/launch.js';
import { MAX_COMMAND_CHARS, MAX_RESULT_OUTPUT_CHARS } from './exec/limits.js';
import type { ManagedProcess } from './exec/managed-process.js';
import { fitText } from './exec/output-buffer.js';
import { sandboxMode } from './exec/sandbox.js';
import { resolveWorkdir, workspaceForExec } from './exec/workdir.js';
import { defineTool } from './tool.js';

/** A foreground command's result as the model reads it. */
export interface ExecResult {
  readonly status: 'exited' | 'timeout' | 'killed';
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly output: string;
  readonly durationMs: number;
  readonly sandbox: 'bubblewrap' | 'host';
  /** Output was dropped (beyond tools.exec.maxOutputBytes) or cut to fit the result. */
  readonly truncated: boolean;
  /** For `process log` when the output was cut. */
  readonly processId: string;
}

/** What the model reads for a denied command: how it was decided, and that retrying the same is pointless. */
export function denialMessage(d: Extract<ExecDecision, { allowed: false }>, command: string): string {
  const by = d.decidedBy ? ` by ${d.decidedBy}` : '';
  // The gate's reason says it best; these are for a gate that gives none.
  const fallback: Record<typeof d.how, string> = {
    'security-deny': 'exec is disabled (tools.exec.security is deny)',
    'ask-off-miss': 'the command is not on the allowlist and asking the owner is off (tools.exec.ask is off)',
    denied: 'the owner denied it',
    expired: 'the owner did not answer before the approval request expired',
    aborted: 'the approval request was withdrawn',
  };
  return `exec denied (${d.how}${by}): ${d.reason || fallback[d.how]}. The command did not run: ${JSON.stringify(command.slice(0, 200))}. Do not retry the same command; tell the user what you wanted to run and why, or do the task another way.`;
}

/** The foreground result of a process that has ended. */
export function resultOf(proc: ManagedProcess): ExecResult {
  const info = proc.info();
  const out = proc.output();
  const fitted = fitText(out.text, MAX_RESULT_OUTPUT_CHARS);
  return {
    status: info.status === 'running' ? 'killed' : info.status,
    exitCode: info.exitCode,
    signal: info.signal,
    output: fitted.text,
    durationMs: info.durationMs,
    sandbox: info.sandbox,
    truncated: fitted.cut || out.droppedBytes > 0,
    processId: proc.id,
  };
}

/** Wait for the end, the yield time, or the run's abort, whichever comes first. */
function settle(proc: ManagedProcess, yieldMs: number | undefined, signal: AbortSignal): Promise<'ended' | 'yielded' | 'aborted'> {
  return new Promise((resolve) => {
    const timer = yieldMs !== undefined ? setTimeout(() => done('yielded'), yieldMs) : undefined;
    const onAbort = () => done('aborted');
    function done(how: 'ended' | 'yielded' | 'aborted'): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(how);
    }
    if (signal.aborted) return done('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    void proc.ended.then(() => done('ended'));
  });
}

/** exec: run a shell command in the agent's workspace, after the approvals gate says yes. */
export const exec = defineTool({
  name: 'exec',
  description:
    'Run a shell command (/bin/sh -c) in your workspace, sandboxed when the gateway has bubblewrap (only the workspace is writable; no network unless allowed). ' +
    'Foreground by default: returns status, exitCode, output (stdout and stderr together), durationMs. background: true returns a processId at once; ' +
    'yieldMs waits that long, then leaves the command running in the background. Use the process tool to poll, read the log, write stdin or kill. ' +
    'Every command may need the owner\'s approval; a denied command must not be retried.',
  parameters: Type.Object(
    {
      command: Type.String({ minLength: 1, maxLength: MAX_COMMAND_CHARS }),
      workdir: Type.Optional(Type.String({ maxLength: 4096, description: 'directory relative to the workspace (default: the workspace)' })),
      timeout: Type.Optional(Type.Integer({ minimum: 1, description: 'seconds; capped by tools.exec.timeoutSeconds' })),
      background: Type.Optional(Type.Boolean()),
      yieldMs: Type.Optional(Type.Integer({ minimum: 0, description: 'run in the foreground up to this long, then continue in the background' })),
    },
    { additionalProperties: false },
  ),
  async execute(args, ctx) {
    const settings = ctx.settings.exec;
    const processes = ctx.services.processes;
    const { sessionKey, runId, agentId } = ctx.caller;
    const workspace = await workspaceForExec(ctx.agent.workspace);
    const workdir = await resolveWorkdir(ctx.agent.workspace, args.workdir);
    const mode = await sandboxMode(settings);
    processes.assertCapacity(sessionKey);
    const decision = await ctx.services.approvals.decide(
      { agentId, sessionKey, runId, command: args.command, cwd: workdir, sandboxed: mode.mode === 'bubblewrap', policy: settings },
      { signal: ctx.signal, onPending: (n) => ctx.update({ status: 'waiting-approval', approvalId: n.approvalId, expiresAtMs: n.expiresAtMs, command: args.command }) },
    );
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (!decision.allowed) throw new ClawgateError('EXEC_DENIED', denialMessage(decision, args.command), { how: decision.how, ...(decision.approvalId ? { approvalId: decision.approvalId } : {}) });

    const launch = launchFor(mode, { command: args.command, workspace, workdir, hidden: processes.hidden, network: settings.network });
    const timeoutMs = Math.min(args.timeout !== undefined ? args.timeout * 1000 : settings.timeoutMs, settings.timeoutMs);
    const background = args.background === true;
    const proc = await processes.start({ sessionKey, runId, command: args.command, launch, background, keepStdin: background || args.yieldMs !== undefined, timeoutMs, maxOutputBytes: settings.maxOutputBytes });
    ctx.update({ status: 'running', processId: proc.id, sandbox: proc.sandbox });
    if (background) return { status: 'running', processId: proc.id, sandbox: proc.sandbox };

    const how = await settle(proc, args.yieldMs, ctx.signal);
    if (how === 'aborted') {
      await proc.stop('killed');
      throw ctx.signal.reason;
    }
    if (how === 'yielded') {
      proc.background = true;
      const sofar = fitText(proc.poll().text, MAX_RESULT_OUTPUT_CHARS);
      return { status: 'running', processId: proc.id, sandbox: proc.sandbox, output: sofar.text, note: 'still running in the background: use process poll, log, write or kill with this processId' };
    }
    return resultOf(proc);
  },
});
