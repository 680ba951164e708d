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
import { ProcessRegistry } from '../../src/agents/tools/exec/process-registry.js';
import type { ToolCaller, ToolContext, ToolHost, ToolServices } from '../../src/agents/tools/tool.js';
import { DENY_ALL_GATE } from '../../src/approvals/deny-all-gate.js';
import type { ExecApprovalGate } from '../../src/approvals/types.js';
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
  /** The agent's workspace (not created: the tools create it). */
  readonly workspace: string;
  /** exec's processes (all stopped after the test). */
  readonly processes: ProcessRegistry;
  /** Every ctx.update a tool made, in order. */
  readonly updates: Record<string, unknown>[];
  /** Call a built-in tool as `caller` (default: the agent's main session). */
  call(name: string, args: Record<string, unknown>, caller?: Partial<ToolCaller>): Promise<ToolOutcome>;
  /** A tool context as the run executor builds it, for `caller` and an abort signal of the test's. */
  ctx(caller?: Partial<ToolCaller>, signal?: AbortSignal): ToolContext;
}

/** A state dir with the default agent (workspace `<stateDir>/workspace`), removed after the test. */
export function toolBench(t: TestContext, opts: { messages?: MessagePort; cron?: CronPort; config?: Config; approvals?: ExecApprovalGate } = {}): ToolBench {
  const stateDir = mkdtempSync(join(tmpdir(), 'cg-tool-'));
  const resolved = resolveAgents(opts.config ?? {}, {}, stateDir);
  const agent = resolved.agents[0]!;
  const memory = new MemoryIndexes(stateDir);
  const processes = new ProcessRegistry({ hidden: [stateDir] });
  const services: ToolServices = { approvals: opts.approvals ?? DENY_ALL_GATE, processes, memory, messages: opts.messages ?? NO_MESSAGE_TARGETS, cron: opts.cron ?? NO_CRON };
  const updates: Record<string, unknown>[] = [];
  t.after(async () => {
    await processes.closeAll();
    memory.close();
    rmSync(stateDir, { recursive: true, force: true });
  });
  const ctx = (caller: Partial<ToolCaller> = {}, signal = new AbortController().signal): ToolContext => {
    const who: ToolCaller = { runId: 'run-1', sessionKey: `agent:${agent.id}:main`, agentId: agent.id, spawnDepth: 0, ...caller };
    return { caller: who, host: NO_HOST, signal, agent, settings: resolved.tools, services, update: (data) => void updates.push(data) };
  };
  return {
    stateDir,
    agent,
    services,
    workspace: agent.workspace,
    processes,
    updates,
    ctx,
    call(name, args, caller = {}) {
      return executeTool({ id: 'call-1', name, arguments: args }, BUILTIN_TOOLS, ctx(caller));
    },
  };
}
