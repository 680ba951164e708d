import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { ResolvedAgent } from '../../src/agents/agent-config.js';
import { resolveToolSettings } from '../../src/agents/tool-settings.js';
import { executeTool, type ToolOutcome } from '../../src/agents/tools/execute-tool.js';
import type { AgentTool, ToolContext, ToolHost, ToolServices } from '../../src/agents/tools/tool.js';

/** A temp workspace (`ws`, real path) beside an `outside` dir, and a tool context whose agent works in it. */
export interface FileToolFixture {
  readonly base: string;
  readonly ws: string;
  readonly outside: string;
  readonly ctx: ToolContext;
  /** Run a tool's implementation directly (its errors reject). */
  run(tool: AgentTool, args: Record<string, unknown>): Promise<unknown>;
  /** Call a tool the way the runtime does (argument validation, errors as results). */
  call(tool: AgentTool, args: Record<string, unknown>): Promise<ToolOutcome>;
}

const NO_HOST = new Proxy({} as ToolHost, {
  get: (_t, name) => () => {
    throw new Error(`file tools do not use the tool host (${String(name)})`);
  },
});

/** File tools use no runtime service; any use fails loudly. */
const NO_SERVICES = new Proxy({} as ToolServices, {
  get: (_t, name) => {
    throw new Error(`file tools do not use the ${String(name)} service`);
  },
});

/** Build the fixture; removed after the test. */
export function fileToolFixture(t: TestContext): FileToolFixture {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'cg-files-')));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const ws = join(base, 'ws');
  const outside = join(base, 'outside');
  mkdirSync(ws);
  mkdirSync(outside);
  const agent: ResolvedAgent = { id: 'main', name: undefined, model: undefined, systemPrompt: undefined, tools: {}, workspace: ws, isDefault: true };
  const ctx: ToolContext = {
    caller: { runId: 'run-1', sessionKey: 'agent:main:main', agentId: 'main', spawnDepth: 0 },
    host: NO_HOST,
    signal: new AbortController().signal,
    agent,
    settings: resolveToolSettings({}, {}),
    services: NO_SERVICES,
    update: () => undefined,
  };
  return {
    base,
    ws,
    outside,
    ctx,
    run: async (tool, args) => tool.execute(args, ctx),
    call: (tool, args) => executeTool({ id: 'call-1', name: tool.name, arguments: args }, new Map([[tool.name, tool]]), ctx),
  };
}
