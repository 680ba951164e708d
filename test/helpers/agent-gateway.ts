import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { WebSocket } from 'ws';
import type { ProviderStatus } from '../../src/agents/runtime-api.js';
import { startFakeAnthropic } from './fake-anthropic.js';
import type { FakeModelServer, Script } from './fake-model-server.js';
import { startFakeOpenAi } from './fake-openai.js';
import { randomToken, runCli, startGateway, type CliResult, type RunningGateway } from './gateway-process.js';
import { makeDevice, rawConnect, rpc } from './raw-client.js';

/** How long a test waits for a run's terminal chat event. */
export const TERMINAL_WAIT_MS = 15_000;

/** The provider id the helper configures; the default agent's model is `fake/<model>`. */
export const FAKE_PROVIDER = 'fake';

export interface AgentGatewayOptions {
  /** What the fake model server answers (default: echo). */
  script?: Script;
  /** The provider API the fake speaks (default openai-completions). */
  api?: 'openai-completions' | 'anthropic-messages';
  /** The provider's API key (default: a fresh random canary). */
  apiKey?: string;
  /** Top-level config keys that replace the generated ones (`models`, `agents`); gateway auth and port stay ours. */
  config?: Record<string, unknown>;
  /** Extra environment of the gateway process. */
  env?: NodeJS.ProcessEnv;
}

/** A real gateway whose default agent talks to a fake model server; `gw` changes on restart(). */
export interface AgentGateway {
  readonly gw: RunningGateway;
  readonly fake: FakeModelServer;
  /** The provider key in config at start (a canary: it must never be printed or logged). */
  readonly apiKey: string;
  readonly stateDir: string;
  /** The CLI against this gateway's state dir. */
  cli(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult>;
  /** `models status --json`, the row of one provider. */
  providerStatus(providerId?: string): Promise<ProviderStatus>;
  /** Stop the gateway and start it again on the same state dir and config file (and port, with samePort). */
  restart(opts?: { samePort?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

/** Start the fake model server and a gateway whose provider `fake` points at it. */
export async function startAgentGateway(opts: AgentGatewayOptions = {}): Promise<AgentGateway> {
  const api = opts.api ?? 'openai-completions';
  const fake = await (api === 'anthropic-messages' ? startFakeAnthropic(opts.script) : startFakeOpenAi(opts.script));
  const apiKey = opts.apiKey ?? randomToken();
  const token = randomToken();
  const config = {
    models: { providers: { [FAKE_PROVIDER]: { api, baseUrl: fake.url, apiKey } } },
    agents: { defaults: { model: `${FAKE_PROVIDER}/fake-gpt` } },
    ...opts.config,
    gateway: { ...(opts.config?.['gateway'] as object | undefined), auth: { mode: 'token', token } },
  };
  let gw: RunningGateway;
  try {
    gw = await startGateway({ config, token, ...(opts.env ? { env: opts.env } : {}) });
  } catch (err) {
    await fake.close();
    throw err;
  }
  const cli = (args: string[], env?: NodeJS.ProcessEnv) => runCli(args, { stateDir: gw.stateDir, ...(env ? { env } : {}) });
  return {
    get gw() {
      return gw;
    },
    fake,
    apiKey,
    stateDir: gw.stateDir,
    cli,
    async providerStatus(providerId = FAKE_PROVIDER) {
      const r = await cli(['models', 'status', '--json']);
      if (r.code !== 0) throw new Error(`models status exited ${r.code}: ${r.stderr}`);
      const row = (JSON.parse(r.stdout) as { providers: ProviderStatus[] }).providers.find((p) => p.id === providerId);
      if (!row) throw new Error(`models status has no provider ${providerId}: ${r.stdout}`);
      return row;
    },
    async restart(restartOpts = {}) {
      const port = gw.port;
      await gw.stop();
      // The file as it is now (a `config set` since the start included); startGateway rewrites only the port.
      const current = JSON.parse(readFileSync(join(gw.stateDir, 'clawgate.json'), 'utf8')) as Record<string, unknown>;
      gw = await startGateway({ stateDir: gw.stateDir, config: current, token, ...(opts.env ? { env: opts.env } : {}), ...(restartOpts.samePort ? { port } : {}) });
    },
    async stop() {
      await gw.stop();
      await fake.close();
      rmSync(gw.stateDir, { recursive: true, force: true });
    },
  };
}

/** A protocol event frame's payload as the tests read it. */
export type EventPayload = Record<string, any>;

/** A paired operator connection (operator.admin) that records every event frame. */
export interface OperatorClient {
  readonly ws: WebSocket;
  rpc(method: string, params?: unknown): Promise<any>;
  /** Payloads of `event` frames of one run, in arrival order. */
  events(event: 'chat' | 'agent', runId: string): EventPayload[];
  /** chat.send a message with a fresh runId; resolves with the runId once accepted. */
  send(message: string, sessionKey?: string): Promise<string>;
  /** The first terminal chat event (final, error, aborted) of a run. */
  terminal(runId: string, timeoutMs?: number): Promise<EventPayload>;
  /** The agent lifecycle event (phase end or error) of a run; it follows the terminal chat event. */
  lifecycleEnd(runId: string, timeoutMs?: number): Promise<EventPayload>;
  close(): void;
}

const TERMINAL_STATES = new Set(['final', 'error', 'aborted']);

/** Pair a fresh device with the gateway token over loopback and keep the connection open. */
export async function connectOperator(gw: RunningGateway): Promise<OperatorClient> {
  const { ws, response, frames } = await rawConnect(gw.url, { device: makeDevice(), auth: { token: gw.token! }, scopes: ['operator.admin'] });
  if (response?.ok !== true) throw new Error(`operator connect refused: ${JSON.stringify(response?.error)}`);
  const events = (event: string, runId: string): EventPayload[] =>
    frames.filter((f) => f.type === 'event' && f.event === event && f.payload?.runId === runId).map((f) => f.payload as EventPayload);
  return {
    ws,
    rpc: (method, params) => rpc(ws, method, params),
    events,
    async send(message, sessionKey = 'main') {
      const runId = randomUUID();
      const res = await rpc(ws, 'chat.send', { sessionKey, message, idempotencyKey: runId });
      if (res.ok !== true) throw new Error(`chat.send refused: ${JSON.stringify(res.error)}`);
      return res.payload.runId as string;
    },
    terminal: (runId, timeoutMs = TERMINAL_WAIT_MS) =>
      poll(() => events('chat', runId).find((p) => TERMINAL_STATES.has(p.state)), timeoutMs, `a terminal chat event of run ${runId}`),
    lifecycleEnd: (runId, timeoutMs = TERMINAL_WAIT_MS) =>
      poll(() => events('agent', runId).find((p) => p.stream === 'lifecycle' && p.data?.phase !== 'start'), timeoutMs, `the lifecycle end of run ${runId}`),
    close: () => ws.close(),
  };
}

/** Resolves with the first defined value of probe(), checked every 20 ms. */
async function poll<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every 8-character piece of a secret: none of them may appear in any output. */
export function secretPieces(secret: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i++) out.push(secret.slice(i, i + 8));
  return out;
}

/** The first piece of the secret found in text, or undefined. */
export function leakedPiece(text: string, secret: string): string | undefined {
  return secretPieces(secret).find((p) => text.includes(p));
}
