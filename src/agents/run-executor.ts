import type { Logger } from 'pino';
import { ClawgateError } from '../protocol/error-catalogue.js';
import type { Store } from '../store/store.js';
import type { ActiveRun } from './active-run.js';
import { agentModel, type ResolvedAgent, type ResolvedAgents } from './agent-config.js';
import { MAX_CONTEXT_MESSAGES, MAX_MODEL_ROUNDS, MAX_REPLY_CHARS } from './limits.js';
import type { ProviderHealth } from './provider-health.js';
import type { RunEvents } from './run-events.js';
import type { StoredMessage } from './runtime-api.js';
import { systemPromptFor } from './system-prompt.js';
import { executeTool } from './tools/execute-tool.js';
import { toolsFor } from './tools/registry.js';
import { effectivePolicy } from './tools/tool-policy.js';
import { toolSpecOf, type AgentTool, type ToolHost, type ToolServices } from './tools/tool.js';
import { applyRepair, planRepair, providerView } from './transcript-repair.js';
import { ensureWorkspace } from './workspace/ensure-workspace.js';
import { loadBootstrap } from './workspace/load-bootstrap.js';
import { ProviderError, type ModelProvider, type ResolvedProvider, type ToolCall, type TranscriptMessage } from './types.js';

/** What one run needs from the runtime. */
export interface ExecutorDeps {
  readonly store: Store;
  readonly log: Logger;
  readonly config: () => ResolvedAgents;
  readonly health: ProviderHealth;
  readonly createProvider: (p: ResolvedProvider) => Promise<ModelProvider>;
  readonly host: ToolHost;
  readonly services: ToolServices;
  readonly now: () => number;
}

/** Entries checked for repair: the recent tail (older ones were repaired by earlier runs). */
const REPAIR_WINDOW = MAX_CONTEXT_MESSAGES + 100;

/** A tail cut from a transcript must not start with tool results whose calls lie before the cut. */
function repairWindow(entries: StoredMessage[]): StoredMessage[] {
  let start = 0;
  while (start < entries.length && entries[start]!.message.role === 'tool') start++;
  return entries.slice(start);
}

/** The last messages of a transcript that a provider accepts as a start: never a tool result first. */
function contextWindow(messages: TranscriptMessage[]): TranscriptMessage[] {
  let start = Math.max(0, messages.length - MAX_CONTEXT_MESSAGES);
  while (start < messages.length && messages[start]!.role === 'tool') start++;
  return messages.slice(start);
}

/**
 * Run one turn of the model loop for a run: repair the transcript, append the user message, then call the
 * model, run the tools it asks for and call it again, until it answers without tools. Every message is
 * appended to the transcript as it happens. Throws ProviderError, ClawgateError or the abort reason.
 */
export async function executeRun(deps: ExecutorDeps, run: ActiveRun, events: RunEvents): Promise<void> {
  const { store } = deps;
  const signal = run.controller.signal;
  const cfg = deps.config();
  const session = store.sessions.get(run.sessionKey);
  if (!session) throw new ClawgateError('UNKNOWN_SESSION', `session ${run.sessionKey} no longer exists`);
  const agent = cfg.agents.find((a) => a.id === run.agentId);
  if (!agent) throw new ClawgateError('UNKNOWN_AGENT', `agent ${run.agentId} is not configured (agents.list in clawgate.json)`, { agentId: run.agentId });
  const { provider, model } = agentModel(cfg, agent, session.model);
  deps.health.check(provider);
  const modelProvider = await deps.createProvider(provider);

  // The tail is read once per run: a session's runs go one at a time and only its run appends to its
  // transcript, so what the run appends is added to this copy (rows append in list order). Re-reading it
  // every model call cost ~2 ms per call at 400 messages (bench:agents).
  let tail = repairWindow(store.transcripts.list(run.sessionKey, { limit: REPAIR_WINDOW }));
  // A transcript a provider would refuse (a crash between a tool call and its result) is fixed first.
  const repairs = planRepair(tail);
  if (repairs.length > 0) {
    applyRepair(store, run.sessionKey, repairs, deps.now());
    deps.log.info({ sessionKey: run.sessionKey, repairs: repairs.length }, 'transcript repaired before the run');
    // Synthetic results sort right after their call, not at the end: read again.
    tail = repairWindow(store.transcripts.list(run.sessionKey, { limit: REPAIR_WINDOW }));
  }
  tail.push(
    ...store.write(() => {
      const rows = store.transcripts.append(run.sessionKey, run.runId, [{ role: 'user', text: run.message }], deps.now());
      store.sessions.touch(run.sessionKey, deps.now());
      return rows;
    }),
  );

  const policy = effectivePolicy({ global: cfg.tools, agent: agent.tools });
  const tools = toolsFor(policy, session.spawnDepth, cfg.defaults.subagents.maxSpawnDepth, cfg.tools);
  const offered = new Map<string, AgentTool>(tools.map((t) => [t.name, t]));
  const specs = tools.map(toolSpecOf);
  const system = systemPromptFor(agent, session, tools.map((t) => t.name), run.extraSystemPrompt, await workspaceBootstrap(deps, agent));
  const caller = { runId: run.runId, sessionKey: run.sessionKey, agentId: run.agentId, spawnDepth: session.spawnDepth };

  for (let round = 0; round < MAX_MODEL_ROUNDS; round++) {
    const messages = contextWindow(providerView(tail));
    let text = '';
    let done: { toolCalls: readonly ToolCall[]; stopReason: string } | undefined;
    // Earlier rounds' text stays on screen: deltas show the whole run, rounds separated by a blank line.
    const shownBefore = run.shownText ? `${run.shownText}\n\n` : '';
    try {
      for await (const ev of modelProvider.stream({ model, ...(system ? { system } : {}), messages, tools: specs, signal })) {
        if (ev.type === 'text') {
          text += ev.delta;
          if (text.length > MAX_REPLY_CHARS) {
            // Stop reading (the provider closes the request); keep what fits, as a reply cut for length.
            text = text.slice(0, MAX_REPLY_CHARS);
            done = { toolCalls: [], stopReason: 'length' };
            deps.log.warn({ runId: run.runId, sessionKey: run.sessionKey, providerId: provider.id }, `reply cut at ${MAX_REPLY_CHARS} characters`);
            break;
          }
          events.delta(run, shownBefore + text);
        } else {
          text = ev.text;
          run.usage.inputTokens += ev.usage.inputTokens;
          run.usage.outputTokens += ev.usage.outputTokens;
          done = { toolCalls: ev.toolCalls, stopReason: ev.stopReason };
        }
      }
    } catch (err) {
      if (err instanceof ProviderError && !signal.aborted) deps.health.record(provider, err);
      // What streamed before an abort stays in the transcript, marked as cut short.
      if (signal.aborted && text.length > 0) appendAssistant(deps, run, { role: 'assistant', text, stopReason: run.abortCause ?? 'aborted' });
      throw err;
    }
    if (!done) throw new ClawgateError('INTERNAL', 'provider stream ended without a result');
    run.text = text;
    if (text !== '') run.shownText = shownBefore + text;
    tail.push(...appendAssistant(deps, run, { role: 'assistant', text, ...(done.toolCalls.length ? { toolCalls: done.toolCalls } : {}), usage: { ...run.usage }, stopReason: done.stopReason }));
    deps.health.recordSuccess(provider.id);
    if (done.toolCalls.length === 0) return;

    for (let i = 0; i < done.toolCalls.length; i++) {
      const call = done.toolCalls[i]!;
      if (signal.aborted) {
        // Every call gets an answer, so the transcript stays valid for the next run.
        appendTool(deps, run, done.toolCalls.slice(i).map((c) => ({ role: 'tool', toolCallId: c.id, name: c.name, text: `error: the run was ${run.abortCause === 'timeout' ? 'timed out' : 'aborted'} before this tool ran`, isError: true })));
        throw signal.reason;
      }
      const startedAt = deps.now();
      events.tool(run, { phase: 'start', name: call.name, toolCallId: call.id, args: call.arguments, startedAt });
      const update = (data: Record<string, unknown>) => events.tool(run, { phase: 'update', name: call.name, toolCallId: call.id, ...data });
      const outcome = await executeTool(call, offered, { caller, host: deps.host, signal, agent, settings: cfg.tools, services: deps.services, update });
      // The tool's own time, kept with its result: transcripts, history and watchers all show it.
      const durationMs = Math.max(0, deps.now() - startedAt);
      tail.push(...appendTool(deps, run, [{ role: 'tool', toolCallId: call.id, name: call.name, text: outcome.text, ...(outcome.isError ? { isError: true } : {}), durationMs }]));
      events.tool(run, { phase: 'result', name: call.name, toolCallId: call.id, isError: outcome.isError, result: outcome.result, startedAt, durationMs });
    }
  }
  deps.log.warn({ runId: run.runId, sessionKey: run.sessionKey }, `run stopped after ${MAX_MODEL_ROUNDS} model calls`);
}

/** Create the agent's workspace on first use and load its bootstrap files; a workspace that fails does not fail the run. */
async function workspaceBootstrap(deps: ExecutorDeps, agent: ResolvedAgent): Promise<string | undefined> {
  try {
    if (await ensureWorkspace(agent.workspace)) deps.log.info({ agentId: agent.id, workspace: agent.workspace }, 'agent workspace created');
    return await loadBootstrap(agent.workspace);
  } catch (err) {
    deps.log.warn({ agentId: agent.id, workspace: agent.workspace, err: (err as Error).message }, 'agent workspace unavailable: the run goes on without its bootstrap files');
    return undefined;
  }
}

function appendAssistant(deps: ExecutorDeps, run: ActiveRun, message: TranscriptMessage): StoredMessage[] {
  return deps.store.write(() => {
    const rows = deps.store.transcripts.append(run.sessionKey, run.runId, [message], deps.now());
    deps.store.sessions.touch(run.sessionKey, deps.now());
    return rows;
  });
}

function appendTool(deps: ExecutorDeps, run: ActiveRun, messages: TranscriptMessage[]): StoredMessage[] {
  return deps.store.write(() => deps.store.transcripts.append(run.sessionKey, run.runId, messages, deps.now()));
}
