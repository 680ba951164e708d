import { Type } from '@sinclair/typebox';
import { defineTool } from './tool.js';

/** sessions_spawn: start a sub-agent on a task in its own session; returns at once, the report comes later. */
export const sessionsSpawn = defineTool({
  name: 'sessions_spawn',
  description:
    'Start a sub-agent that works on a task in its own session, in the background. Returns at once with {status:"accepted", runId, childSessionKey}; when the sub-agent finishes, its report (status, result, duration, tokens) arrives in this conversation as a new message.',
  parameters: Type.Object(
    {
      task: Type.String({ minLength: 1, maxLength: 64_000, description: 'What the sub-agent should do, self-contained.' }),
      label: Type.Optional(Type.String({ maxLength: 120, description: 'Short name shown in session lists.' })),
      agentId: Type.Optional(Type.String({ maxLength: 64, description: 'Agent to run (default: the same agent).' })),
      model: Type.Optional(Type.String({ maxLength: 200, description: 'Model override, provider/model.' })),
      runTimeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
      cleanup: Type.Optional(Type.Union([Type.Literal('keep'), Type.Literal('delete')], { description: 'Delete the child session after its report (default keep).' })),
    },
    { additionalProperties: false },
  ),
  execute(args, ctx) {
    return ctx.host.spawnSubagent(ctx.caller, args);
  },
});
