import type { Static, TObject } from '@sinclair/typebox';
import type { ExecApprovalGate } from '../../approvals/types.js';
import type { MemoryIndexes } from '../memory/memory-indexes.js';
import type { ResolvedAgent } from '../agent-config.js';
import type { ToolSettings } from '../tool-settings.js';
import type { SessionSummary, StoredMessage } from '../runtime-api.js';
import type { ToolSpec } from '../types.js';
import type { CronPort } from './cron-port.js';
import type { MessagePort } from './message-port.js';
import type { ProcessRegistry } from './exec/process-registry.js';

/** The session and run a tool call comes from. */
export interface ToolCaller {
  readonly runId: string;
  readonly sessionKey: string;
  readonly agentId: string;
  readonly spawnDepth: number;
}

/** What sessions_spawn asks for. */
export interface SpawnRequest {
  readonly task: string;
  readonly label?: string;
  readonly agentId?: string;
  readonly model?: string;
  readonly runTimeoutSeconds?: number;
  readonly cleanup?: 'keep' | 'delete';
}

/** The runtime services agent tools use; implemented in-process by the runtime (no socket, no pairing). */
export interface ToolHost {
  spawnSubagent(from: ToolCaller, req: SpawnRequest): { status: 'accepted'; runId: string; childSessionKey: string };
  sendToSession(from: ToolCaller, req: { sessionKey: string; message: string; timeoutSeconds?: number }, signal: AbortSignal): Promise<Record<string, unknown>>;
  listSessions(from: ToolCaller, req: { limit?: number; kinds?: string[] }): SessionSummary[];
  readHistory(from: ToolCaller, req: { sessionKey: string; limit?: number }): StoredMessage[];
  /** The caller's own session. */
  ownSession(from: ToolCaller): SessionSummary | undefined;
}

/**
 * Long-lived services tools use, built once per runtime (the gateway wires the ones that live in higher
 * layers, such as channels and cron, through these ports).
 */
export interface ToolServices {
  /** Decides whether a command may run; exec never decides by itself. */
  readonly approvals: ExecApprovalGate;
  /** Each agent's full-text index of its notes (memory_search, memory_get). */
  readonly memory: MemoryIndexes;
  /** Sending to chat targets the owner approved (the message tool). */
  readonly messages: MessagePort;
  /** The caller's agent's own cron jobs (the cron tool). */
  readonly cron: CronPort;
  /** exec's running processes: killed with their run (foreground), their session, and the gateway. */
  readonly processes: ProcessRegistry;
}

/** Everything a tool gets besides its validated arguments. */
export interface ToolContext {
  readonly caller: ToolCaller;
  readonly host: ToolHost;
  readonly signal: AbortSignal;
  /** The calling agent as configured (its workspace is `agent.workspace`). */
  readonly agent: ResolvedAgent;
  /** The tools section after defaults. */
  readonly settings: ToolSettings;
  readonly services: ToolServices;
  /** Tell watchers how the call is going (an `agent` tool event with phase `update`), e.g. waiting for approval. */
  update(data: Record<string, unknown>): void;
}

/** An agent tool: a JSON-schema'd name the model can call, and its in-process implementation. */
export interface AgentTool<S extends TObject = TObject> {
  readonly name: string;
  readonly description: string;
  readonly parameters: S;
  execute(args: Static<S>, ctx: ToolContext): unknown;
}

/** Define a tool with typed arguments. */
export function defineTool<S extends TObject>(tool: AgentTool<S>): AgentTool {
  return tool as unknown as AgentTool;
}

const specs = new WeakMap<AgentTool, ToolSpec>();

/** The spec a provider sends to the model (plain JSON schema, TypeBox symbols dropped); made once per tool. */
export function toolSpecOf(tool: AgentTool): ToolSpec {
  let spec = specs.get(tool);
  if (!spec) specs.set(tool, (spec = Object.freeze({ name: tool.name, description: tool.description, parameters: JSON.parse(JSON.stringify(tool.parameters)) as Record<string, unknown> })));
  return spec;
}
