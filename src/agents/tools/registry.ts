import { exec } from './exec.js';
import { processTool } from './process.js';
import { applyPatchTool } from './files/apply-patch.js';
import { editTool } from './files/edit.js';
import { grepTool } from './files/grep.js';
import { lsTool } from './files/ls.js';
import { readTool } from './files/read.js';
import { writeTool } from './files/write.js';
import { cron } from './cron.js';
import { memoryGet } from './memory/memory-get.js';
import { memorySearch } from './memory/memory-search.js';
import { message } from './message.js';
import { sessionsHistory } from './sessions-history.js';
import { sessionsList } from './sessions-list.js';
import { sessionsSend } from './sessions-send.js';
import { sessionsSpawn } from './sessions-spawn.js';
import type { AgentTool } from './tool.js';
import { toolAllowed, type ToolPolicy } from './tool-policy.js';
import { sessionStatus } from './session-status.js';
import type { ToolSettings } from '../tool-settings.js';
import { webFetch } from './web/web-fetch.js';
import { webSearch } from './web/web-search.js';

/** Every built-in agent tool, by name. */
export const BUILTIN_TOOLS: ReadonlyMap<string, AgentTool> = new Map(
  [sessionsSpawn, sessionsSend, sessionsList, sessionsHistory, sessionStatus, readTool, writeTool, editTool, applyPatchTool, lsTool, grepTool, memorySearch, memoryGet, message, cron, webSearch, webFetch, exec, processTool].map((t) => [t.name, t]),
);

/** Whether the owner turned a tool off in its own settings (tools.web.fetch.enabled, tools.web.search.enabled). */
function switchedOn(name: string, settings: ToolSettings | undefined): boolean {
  if (name === 'web_fetch') return settings?.fetch.enabled ?? true;
  if (name === 'web_search') return settings?.search.enabled ?? true;
  return true;
}

/**
 * The tools a session may use: the agent's policy, no tool its settings turn off, and no sessions_spawn once
 * the session is as deep as sub-agents may go (so the model is not offered a tool that can only fail).
 */
export function toolsFor(policy: ToolPolicy, spawnDepth: number, maxSpawnDepth: number, settings?: ToolSettings): AgentTool[] {
  return [...BUILTIN_TOOLS.values()].filter((t) => toolAllowed(policy, t.name) && switchedOn(t.name, settings) && (t.name !== 'sessions_spawn' || spawnDepth < maxSpawnDepth));
}
