import { exec } from './exec.js';
import { processTool } from './process.js';
import { sessionsHistory } from './sessions-history.js';
import { sessionsList } from './sessions-list.js';
import { sessionsSend } from './sessions-send.js';
import { sessionsSpawn } from './sessions-spawn.js';
import type { AgentTool } from './tool.js';
import { toolAllowed, type ToolPolicy } from './tool-policy.js';
import { sessionStatus } from './session-status.js';

/** Every built-in agent tool, by name. */
export const BUILTIN_TOOLS: ReadonlyMap<string, AgentTool> = new Map([sessionsSpawn, sessionsSend, sessionsList, sessionsHistory, sessionStatus, exec, processTool].map((t) => [t.name, t]));

/**
 * The tools a session may use: the agent's policy, and no sessions_spawn once the session is as deep as
 * sub-agents may go (so the model is not offered a tool that can only fail).
 */
export function toolsFor(policy: ToolPolicy, spawnDepth: number, maxSpawnDepth: number): AgentTool[] {
  return [...BUILTIN_TOOLS.values()].filter((t) => toolAllowed(policy, t.name) && (t.name !== 'sessions_spawn' || spawnDepth < maxSpawnDepth));
}
