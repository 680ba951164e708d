import { Type } from '@sinclair/typebox';
import { TOOL_HISTORY_DEFAULT } from '../limits.js';
import { defineTool } from './tool.js';

const MAX_TEXT = 4000;

/** sessions_history: the last messages of a session, text trimmed. */
export const sessionsHistory = defineTool({
  name: 'sessions_history',
  description: 'Read the last messages of a session (role and text; tool calls by name).',
  parameters: Type.Object(
    {
      sessionKey: Type.String({ minLength: 1, maxLength: 256 }),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    },
    { additionalProperties: false },
  ),
  execute(args, ctx) {
    const entries = ctx.host.readHistory(ctx.caller, { sessionKey: args.sessionKey, limit: args.limit ?? TOOL_HISTORY_DEFAULT });
    return {
      sessionKey: args.sessionKey,
      messages: entries.map((e) => {
        const m = e.message;
        const text = m.text.length > MAX_TEXT ? `${m.text.slice(0, MAX_TEXT)}…` : m.text;
        if (m.role === 'assistant') return { role: m.role, text, toolCalls: m.toolCalls?.map((c) => c.name) };
        if (m.role === 'tool') return { role: m.role, tool: m.name, text };
        return { role: m.role, text };
      }),
    };
  },
});
