import type { TestContext } from 'node:test';
import { resolveAgents } from '../../src/agents/agent-config.js';
import { ProcessRegistry } from '../../src/agents/tools/exec/process-registry.js';
import type { ToolCaller, ToolContext, ToolHost } from '../../src/agents/tools/tool.js';
import type { ExecApprovalGate } from '../../src/approvals/types.js';
import type { Config } from '../../src/config/schema.js';
import { tempDir } from './exec-processes.js';

/** A tool context for calling a tool directly, as the run executor would, on a real config and registry. */
export interface ToolBench {
  readonly stateDir: string;
  /** The agent's workspace (not created: the tool creates it). */
  readonly workspace: string;
  readonly processes: ProcessRegistry;
  /** Every ctx.update of every context made by `ctx`. */
  readonly updates: Record<string, unknown>[];
  /** A context for a caller (default session agent:main:main, run run-1) with an optional abort signal. */
  ctx(caller?: Partial<ToolCaller>, signal?: AbortSignal): ToolContext;
}

// exec and process never use the session host; a call to it is a test bug.
const NO_HOST = new Proxy({}, { get: (_t, name) => () => { throw new Error(`the tool host (${String(name)}) is not part of this test`); } }) as ToolHost;

/** Build a bench from a config (tools.exec settings) and an approvals gate. */
export function toolBench(t: TestContext, approvals: ExecApprovalGate, config: Config = {}): ToolBench {
  const stateDir = tempDir(t, 'cg-tools-');
  const resolved = resolveAgents(config, {}, stateDir);
  const agent = resolved.agents[0]!;
  const processes = new ProcessRegistry({ hidden: [stateDir] });
  t.after(() => processes.closeAll());
  const updates: Record<string, unknown>[] = [];
  return {
    stateDir,
    workspace: agent.workspace,
    processes,
    updates,
    ctx(caller = {}, signal = new AbortController().signal) {
      return {
        caller: { runId: 'run-1', sessionKey: 'agent:main:main', agentId: agent.id, spawnDepth: 0, ...caller },
        host: NO_HOST,
        signal,
        agent,
        settings: resolved.tools,
        services: { approvals, processes },
        update: (data) => updates.push(data),
      };
    },
  };
}

