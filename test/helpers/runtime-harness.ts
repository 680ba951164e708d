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
import { MemoryIndexes } from '../../src/agents/memory/memory-indexes.js';
import { NO_MESSAGE_TARGETS, type MessagePort } from '../../src/agents/tools/message-port.js';
import { agentCronPort } from '../../src/cron/agent-cron-port.js';
import { CronService } from '../../src/cron/scheduler.js';

/** An in-process runtime on a real store, talking to a real stand-in OpenAI server. */
export interface RuntimeHarness {
  readonly runtime: AgentRuntime;
  readonly store: Store;
  readonly fake: FakeModelServer;
  /** The state dir the agents' workspaces default to (removed after the test). */
  readonly stateDir: string;
  /** exec's processes (closed after the test). */
  readonly processes: ProcessRegistry;
  /** The scheduler the cron tool's port acts on (on the harness's store; not started). */
  readonly cron: CronService;
  readonly memory: MemoryIndexes;
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

/** Services a test may give the harness's tools. */
export interface HarnessExtras {
  /** The message tool's port (default: no target is approved). */
  readonly messages?: MessagePort;
  /** Decides exec's commands (default: none may run). */
  readonly approvals?: ExecApprovalGate;
}

/**
 * Build the harness; `config` is merged over a provider `fake` and default model `fake/fake-gpt` (OpenAI API)
 * or `fake/fake-claude` (Anthropic API).
 */
export async function runtimeHarness(t: TestContext, script: Script, config: Partial<Config> = {}, api: 'openai-completions' | 'anthropic-messages' = 'openai-completions', extras: HarnessExtras = {}): Promise<RuntimeHarness> {
  const fake = api === 'openai-completions' ? await startFakeOpenAi(script) : await startFakeAnthropic(script);
  const store = tempStore(t);
  const full: Config = {
    models: { providers: { fake: { api, baseUrl: fake.url, apiKey: 'sk-test-harness-key' } } },
    ...config,
    agents: { ...config.agents, defaults: { model: api === 'openai-completions' ? 'fake/fake-gpt' : 'fake/fake-claude', ...config.agents?.defaults } },
  } as Config;
  const stateDir = mkdtempSync(join(tmpdir(), 'clawgate-rt-'));
  const resolved = resolveAgents(full, {}, stateDir);
  const log = pino({ level: 'silent' });
  const memory = new MemoryIndexes(stateDir);
  const messages = extras.messages ?? NO_MESSAGE_TARGETS;
  const processes = new ProcessRegistry({ hidden: [stateDir] });
  const services = { approvals: extras.approvals ?? DENY_ALL_GATE, processes, memory, messages, cron: agentCronPort((): CronService => cron, messages) };
  const runtime = new AgentRuntime({ store, log, config: () => resolved, createProvider, services });
  const cron = new CronService({ store, runtime, log, deliver: (target, text) => messages.deliver(target, text) });
  const chat: ChatEventPayload[] = [];
  const agent: AgentEventPayload[] = [];
  runtime.subscribe((e) => (e.type === 'chat' ? chat.push(e.payload) : agent.push(e.payload)));
  t.after(async () => {
    await runtime.close();
    await processes.closeAll();
    memory.close();
    await fake.close();
    rmSync(stateDir, { recursive: true, force: true });
  });
  return {
    runtime,
    store,
    fake,
    stateDir,
    processes,
    cron,
    memory,
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
