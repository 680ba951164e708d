import { Type } from '@sinclair/typebox';
import { MAX_SEARCH_RESULTS } from '../../memory/memory-limits.js';
import { defineTool } from '../tool.js';

/** memory_search: full-text search over the agent's notes (MEMORY.md, memory/*.md), hits with file and lines. */
export const memorySearch = defineTool({
  name: 'memory_search',
  description:
    'Search your notes (MEMORY.md and memory/*.md in your workspace) by keywords. Returns snippets with path and line range, best first; read more with memory_get. Call this before answering questions about earlier work, decisions, people, dates or preferences.',
  parameters: Type.Object(
    {
      query: Type.String({ minLength: 1, maxLength: 1000, description: 'keywords to look for' }),
      maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SEARCH_RESULTS })),
    },
    { additionalProperties: false },
  ),
  execute(args, ctx) {
    return ctx.services.memory.for(ctx.agent).search(args.query, args.maxResults);
  },
});
