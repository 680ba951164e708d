import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { resolveAgents, type ResolvedAgent } from '../../src/agents/agent-config.js';
import { MemoryIndexes } from '../../src/agents/memory/memory-indexes.js';
import type { CronPort } from '../../src/agents/tools/cron-port.js';
import { executeTool, type ToolOutcome } from '../../src/agents/tools/execute-tool.js';
import { NO_MESSAGE_TARGETS, type MessagePort } from '../../src/agents/tools/message-port.js';
import { BUILTIN_TOOLS } from '../../src/agents/tools/registry.js';
import type { ToolCaller, ToolHost, ToolServices } from '../../src/agents/tools/tool.js';
import { DENY_ALL_GATE } from '../../src/approvals/deny-all-gate.js';
import type { Config } from '../../src/config/schema.js';

/** A port for tests that never reach cron: every call fails loudly. */
const NO_CRON: CronPort = {
  list: () => {
    throw new Error('cron is not wired in this test');
  },
  add: () => {
    throw new Error('cron is not wired in this test');
  },
  remove: () => {
    throw new Error('cron is not wired in this test');
  },
};

/** Host calls the tools under test never make. */
const NO_HOST = new Proxy({} as ToolHost, {
  get: (_t, name) => () => {
    throw new Error(`tool host ${String(name)} is not available in this test`);
  },
});

/** Built-in tools called the way the runtime calls them (validation, error mapping), with real services. */
export interface ToolBench {
  readonly stateDir: string;
  readonly agent: ResolvedAgent;
  readonly services: ToolServices;
  /** Call a built-in tool as `caller` (default: the agent's main session). */
  call(name: string, args: Record<string, unknown>, caller?: Partial<ToolCaller>): Promise<ToolOutcome>;
}

/** A state dir with the default agent (workspace `<stateDir>/workspace`), removed after the test. */
export function toolBench(t: TestContext, opts: { messages?: MessagePort; cron?: CronPort; config?: Config } = {}): ToolBench {
  const stateDir = mkdtempSync(join(tmpdir(), 'cg-tool-'));
  const resolved = resolveAgents(opts.config ?? {}, {}, stateDir);
  const agent = resolved.agents[0]!;
  const memory = new MemoryIndexes(stateDir);
  const services: ToolServices = { approvals: DENY_ALL_GATE, memory, messages: opts.messages ?? NO_MESSAGE_TARGETS, cron: opts.cron ?? NO_CRON };
  t.after(() => {
    memory.close();
    rmSync(stateDir, { recursive: true, force: true });
  });
  return {
    stateDir,
    agent,
    services,
    call(name, args, caller = {}) {
      const who: ToolCaller = { runId: 'run-1', sessionKey: `agent:${agent.id}:main`, agentId: agent.id, spawnDepth: 0, ...caller };
      const ctx = { caller: who, host: NO_HOST, signal: new AbortController().signal, agent, settings: resolved.tools, services, update: () => undefined };
      return executeTool({ id: 'call-1', name, arguments: args }, BUILTIN_TOOLS, ctx);
    },
  };
}
