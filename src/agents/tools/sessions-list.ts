import { Type } from '@sinclair/typebox';
import { defineTool } from './tool.js';

/** sessions_list: the sessions of this gateway, most recently active first. */
export const sessionsList = defineTool({
  name: 'sessions_list',
  description: 'List sessions (key, agent, kind, label, parent, message count, last activity), most recent first.',
  parameters: Type.Object(
    {
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
      kinds: Type.Optional(Type.Array(Type.Union([Type.Literal('main'), Type.Literal('subagent'), Type.Literal('other')]), { maxItems: 3 })),
    },
    { additionalProperties: false },
  ),
  execute(args, ctx) {
    const sessions = ctx.host.listSessions(ctx.caller, args);
    return {
      count: sessions.length,
      sessions: sessions.map((s) => ({
        key: s.key,
        agentId: s.agentId,
        kind: s.kind,
        label: s.label ?? undefined,
        parentKey: s.parentKey ?? undefined,
        messageCount: s.messageCount,
        updatedAt: new Date(s.updatedAtMs).toISOString(),
        active: s.activeRunId !== undefined,
      })),
    };
  },
});
