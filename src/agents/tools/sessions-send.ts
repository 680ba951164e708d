import { Type } from '@sinclair/typebox';
import { MAX_SEND_WAIT_MS } from '../limits.js';
import { defineTool } from './tool.js';

/** sessions_send: give another session a message (agent to agent); optionally wait for its reply. */
export const sessionsSend = defineTool({
  name: 'sessions_send',
  description:
    'Send a message to another session (for example another agent\'s main session). With timeoutSeconds > 0, waits up to that long and returns the reply; with 0 (default) returns at once with the runId.',
  parameters: Type.Object(
    {
      sessionKey: Type.String({ minLength: 1, maxLength: 256 }),
      message: Type.String({ minLength: 1, maxLength: 64_000 }),
      timeoutSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_SEND_WAIT_MS / 1000 })),
    },
    { additionalProperties: false },
  ),
  execute(args, ctx) {
    return ctx.host.sendToSession(ctx.caller, args, ctx.signal);
  },
});
