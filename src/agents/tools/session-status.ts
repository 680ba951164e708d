import { Type } from '@sinclair/typebox';
import { defineTool } from './tool.js';

/** session_status: which session, agent, model and workspace this conversation runs in (OpenClaw's minimal tool). */
export const sessionStatus = defineTool({
  name: 'session_status',
  description: 'Show this session: its key, agent, model, workspace, sandbox mode for exec, and the current time.',
  parameters: Type.Object({}, { additionalProperties: false }),
  execute(_args, ctx) {
    const session = ctx.host.ownSession(ctx.caller);
    return {
      sessionKey: ctx.caller.sessionKey,
      agentId: ctx.caller.agentId,
      model: session?.model ?? ctx.agent.model ?? null,
      workspace: ctx.agent.workspace,
      execSecurity: ctx.settings.exec.security,
      execAsk: ctx.settings.exec.ask,
      messageCount: session?.messageCount ?? 0,
      now: new Date().toISOString(),
    };
  },
});
