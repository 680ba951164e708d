import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import pino from 'pino';
import { resolveAgents } from '../../src/agents/agent-config.js';
import { createProvider } from '../../src/agents/providers/provider-factory.js';
import { AgentRuntime } from '../../src/agents/runtime.js';
import type { ChatEventPayload, AgentEventPayload, RunSnapshot } from '../../src/agents/runtime-api.js';
import type { Config } from '../../src/config/schema.js';
import type { Store } from '../../src/store/store.js';
import { startFakeAnthropic } from './fake-anthropic.js';
import { startFakeOpenAi, type FakeModelServer, type Script } from './fake-openai.js';
import { tempStore } from './temp-store.js';
import { DENY_ALL_GATE } from '../../src/approvals/deny-all-gate.js';
import type { ExecApprovalGate } from '../../src/approvals/types.js';
import { ProcessRegistry } from '../../src/agents/tools/exec/process-registry.js';

/** An in-process runtime on a real store, talking to a real stand-in OpenAI server. */
export interface RuntimeHarness {
  readonly runtime: AgentRuntime;
  readonly store: Store;
  readonly fake: FakeModelServer;
  /** The state dir the agents' workspaces default to (removed after the test). */
  readonly stateDir: string;
  /** exec's processes (closed after the test). */
  readonly processes: ProcessRegistry;
  readonly chat: ChatEventPayload[];
  readonly agent: AgentEventPayload[];
  /** Send and wait for the run to end. */
  ask(message: string, sessionKey?: string): Promise<RunSnapshot>;
}

/** The text of the last message of a given role in a recorded OpenAI request body. */
export function lastOf(body: { messages: { role: string; content?: unknown }[] }, role: string): string {
  const m = [...body.messages].reverse().find((x) => x.role === role);
  return typeof m?.content === 'string' ? m.content : '';
}

/** The text of the last user turn of a recorded Anthropic request body (text blocks only, tool results skipped). */
export function lastAnthropicUser(body: { messages: { role: string; content: string | { type: string; text?: string }[] }[] }): string {
  for (const m of [...body.messages].reverse()) {
    if (m.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    const texts = m.content.filter((b) => b.type === 'text').map((b) => b.text ?? '');
    if (texts.length > 0) return texts.join('');
    return '';
  }
  return '';
}

/**
 * Build the harness; `config` is merged over a provider `fake` and default model `fake/fake-gpt` (OpenAI API)
 * or `fake/fake-claude` (Anthropic API). `approvals` decides exec's commands (default: none may run).
 */
export async function runtimeHarness(t: TestContext, script: Script, config: Partial<Config> = {}, api: 'openai-completions' | 'anthropic-messages' = 'openai-completions', approvals: ExecApprovalGate = DENY_ALL_GATE): Promise<RuntimeHarness> {
  const fake = api === 'openai-completions' ? await startFakeOpenAi(script) : await startFakeAnthropic(script);
  const store = tempStore(t);
  const full: Config = {
    models: { providers: { fake: { api, baseUrl: fake.url, apiKey: 'sk-test-harness-key' } } },
    ...config,
    agents: { ...config.agents, defaults: { model: api === 'openai-completions' ? 'fake/fake-gpt' : 'fake/fake-claude', ...config.agents?.defaults } },
  } as Config;
  const stateDir = mkdtempSync(join(tmpdir(), 'clawgate-rt-'));
  const resolved = resolveAgents(full, {}, stateDir);
  const processes = new ProcessRegistry({ hidden: [stateDir] });
  const runtime = new AgentRuntime({ store, log: pino({ level: 'silent' }), config: () => resolved, createProvider, services: { approvals, processes } });
  const chat: ChatEventPayload[] = [];
  const agent: AgentEventPayload[] = [];
  runtime.subscribe((e) => (e.type === 'chat' ? chat.push(e.payload) : agent.push(e.payload)));
  t.after(async () => {
    await runtime.close();
    await processes.closeAll();
    await fake.close();
    rmSync(stateDir, { recursive: true, force: true });
  });
  return {
    runtime,
    store,
    fake,
    stateDir,
    processes,
    chat,
    agent,
    async ask(message, sessionKey = 'agent:main:main') {
      const { runId } = runtime.send({ sessionKey, message, origin: { kind: 'cli-local' } });
      const snap = await runtime.wait(runId, 20_000);
      if (!snap) throw new Error(`run ${runId} did not end`);
      return snap;
    },
  };
}
