import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { serveMethods } from '../../test/helpers/serve-methods.js';
import { EVENT_NAMES, EVENT_SCOPES } from '../protocol/events.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import type { ResponseFrame } from '../protocol/frames.js';
import { AGENT_WAIT_MAX_MS } from '../protocol/methods/agent.js';
import { METHODS } from '../protocol/methods/index.js';
import { agentMethods } from './rpc-methods.js';
import { resolveToolSettings } from './tool-settings.js';
import type { AgentRuntimeApi, RunRequest, RunSnapshot, SessionPatch, SessionSummary, StoredMessage } from './runtime-api.js';

/**
 * The handlers are thin bindings of the runtime contract; these tests drive them through the real
 * dispatcher (params validation, scope, result schema) against a runtime that records what it was asked.
 */
class RecordingRuntime implements AgentRuntimeApi {
  sent: RunRequest[] = [];
  waits: Array<{ runId: string; timeoutMs: number }> = [];
  histories: Array<{ sessionKey: string; limit: number }> = [];
  aborts: Array<{ sessionKey: string; runId: string | undefined }> = [];
  snapshots = new Map<string, RunSnapshot>();
  transcript: StoredMessage[] = [];
  sessionRows: SessionSummary[] = [];

  send(req: RunRequest) {
    this.sent.push(req);
    return { runId: req.runId ?? 'generated', sessionKey: req.sessionKey, status: 'started' as const, acceptedAtMs: 1000 };
  }
  abort(sessionKey: string, runId?: string) {
    this.aborts.push({ sessionKey, runId });
    return runId ? [runId] : [];
  }
  async wait(runId: string, timeoutMs: number) {
    this.waits.push({ runId, timeoutMs });
    return this.snapshots.get(runId);
  }
  run(runId: string) {
    return this.snapshots.get(runId);
  }
  history(sessionKey: string, limit: number) {
    this.histories.push({ sessionKey, limit });
    return this.transcript.filter((m) => m.sessionKey === sessionKey);
  }
  sessions(filter: { agentId?: string; parentKey?: string; limit?: number } = {}) {
    return this.sessionRows.filter((s) => (!filter.agentId || s.agentId === filter.agentId) && (!filter.parentKey || s.parentKey === filter.parentKey)).slice(0, filter.limit);
  }
  defaultAgentId() {
    return 'ops';
  }
  patches: Array<{ sessionKey: string; patch: SessionPatch }> = [];
  sessionDefaults() {
    return { model: 'openai/gpt-4o', contextTokens: 128000 };
  }
  patchSession(sessionKey: string, patch: SessionPatch): SessionSummary {
    this.patches.push({ sessionKey, patch });
    const s = this.sessionRows.find((r) => r.key === sessionKey);
    if (!s) throw new ClawgateError('UNKNOWN_SESSION', `session ${sessionKey} does not exist`);
    return { ...s, ...(patch.model ? { model: patch.model, effectiveModel: patch.model } : {}) };
  }
  async resetSession(sessionKey: string) {
    const s = this.sessionRows.find((r) => r.key === sessionKey);
    if (!s) throw new ClawgateError('UNKNOWN_SESSION', `session ${sessionKey} does not exist`);
    return { session: { ...s, messageCount: 0 }, cleared: s.messageCount, aborted: [] };
  }
  async deleteSession(sessionKey: string) {
    const before = this.sessionRows.length;
    this.sessionRows = this.sessionRows.filter((r) => r.key !== sessionKey);
    return { key: sessionKey, deleted: this.sessionRows.length < before, aborted: [] };
  }
  agents() {
    return [
      { id: 'main', model: 'openai/gpt-4o', isDefault: false },
      { id: 'ops', name: 'Ops', model: undefined, isDefault: true },
    ];
  }
  models() {
    return [{ id: 'openai/gpt-4o', name: 'GPT-4o', provider: 'openai', contextWindow: 128000 }];
  }
  providerStatus() {
    return [{ id: 'openai', api: 'openai-completions', baseUrl: undefined, keySource: 'env OPENAI_API_KEY', keyFingerprint: 'ab12cd34', state: 'ok' as const }];
  }
  resetProviders(providerId?: string): string[] {
    if (providerId === 'nope') throw new ClawgateError('UNKNOWN_PROVIDER', 'unknown provider "nope"');
    return providerId ? [providerId] : ['openai'];
  }
  subscribe() {
    return () => undefined;
  }
  recentFailures() {
    return [];
  }
  toolSettings() {
    return resolveToolSettings({}, {});
  }
  activeRunCount() {
    return 0;
  }
  async close() {}
}

const table = serveMethods(agentMethods(new RecordingRuntime())).table;

function harness(scopes: string[] = ['operator.admin']) {
  const rt = new RecordingRuntime();
  const { call, later } = serveMethods(agentMethods(rt), scopes);
  return { rt, call, later };
}

/** Resolves once the second response was sent (it follows the run's end a few ticks later, however loaded the machine). */
async function laterArrived(later: readonly ResponseFrame[]): Promise<void> {
  for (let i = 0; later.length === 0; i++) {
    if (i > 500) throw new Error('no second response within 5 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function codeOf(res: ResponseFrame): unknown {
  return (res.error?.details as { code?: string } | undefined)?.code;
}

const snapshot = (over: Partial<RunSnapshot>): RunSnapshot => ({ runId: 'run-1', sessionKey: 'agent:main:main', agentId: 'main', status: 'ok', queuedAtMs: 10, usage: { inputTokens: 3, outputTokens: 5 }, ...over });

describe('registration', () => {
  test('every defined method has a handler and the agent methods are served', () => {
    for (const name of ['chat.send', 'chat.history', 'chat.abort', 'agent', 'agent.wait', 'agents.list', 'sessions.list', 'models.list', 'models.status', 'models.reset']) {
      assert.ok(METHODS.has(name), `${name} defined`);
      assert.ok(table.has(name), `${name} served`);
    }
  });

  test('chat and agent events are advertised and need operator.read', () => {
    assert.ok(EVENT_NAMES.includes('chat'));
    assert.ok(EVENT_NAMES.includes('agent'));
    assert.equal(EVENT_SCOPES.chat, 'operator.read');
    assert.equal(EVENT_SCOPES.agent, 'operator.read');
  });

  test('scopes follow OpenClaw: send/abort/agent/wait write, reads read, models.reset admin', () => {
    const scope = (m: string) => METHODS.get(m)?.scope;
    assert.deepEqual(
      ['chat.send', 'chat.abort', 'agent', 'agent.wait', 'chat.history', 'sessions.list', 'agents.list', 'models.list', 'models.status', 'models.reset'].map(scope),
      ['operator.write', 'operator.write', 'operator.write', 'operator.write', 'operator.read', 'operator.read', 'operator.read', 'operator.read', 'operator.read', 'operator.admin'],
    );
  });
});

describe('chat.send', () => {
  test('an OpenClaw chat.send starts a run whose id is the idempotency key, as the calling device', async () => {
    const { rt, call } = harness();
    const res = await call('chat.send', { sessionKey: 'agent:main:main', message: 'hello', thinking: 'low', deliver: false, attachments: [], timeoutMs: 30000, idempotencyKey: 'idem-1' });
    assert.equal(res.ok, true, JSON.stringify(res.error));
    assert.deepEqual(res.payload, { runId: 'idem-1', status: 'started' });
    assert.deepEqual(rt.sent, [{ sessionKey: 'agent:main:main', message: 'hello', runId: 'idem-1', timeoutMs: 30000, origin: { kind: 'operator', deviceId: 'dev-1' } }]);
  });

  test('an empty message, a missing idempotency key or an unknown key is INVALID_PARAMS and starts nothing', async () => {
    const { rt, call } = harness();
    for (const params of [
      { sessionKey: 'agent:main:main', message: '', idempotencyKey: 'k' },
      { sessionKey: 'agent:main:main', message: 'hi' },
      { sessionKey: 'agent:main:main', message: 'hi', idempotencyKey: 'k', colour: 'blue' },
      { sessionKey: 'agent:main:main', message: 'x'.repeat(256 * 1024 + 1), idempotencyKey: 'k' },
    ]) {
      const res = await call('chat.send', params);
      assert.equal(codeOf(res), 'INVALID_PARAMS', JSON.stringify(params).slice(0, 80));
    }
    assert.equal(rt.sent.length, 0);
  });

  test('a read-only operator may not send', async () => {
    const { call } = harness(['operator.read']);
    const res = await call('chat.send', { sessionKey: 'main', message: 'hi', idempotencyKey: 'k' });
    assert.equal(codeOf(res), 'MISSING_SCOPE');
  });
});

describe('chat.history and chat.abort', () => {
  test('history is in OpenClaw message shape with the default limit of 200; excluded entries are omitted', async () => {
    const { rt, call } = harness(['operator.read']);
    const base = { sessionKey: 'agent:main:main', runId: 'r', repairOf: null, excludedReason: null };
    rt.transcript = [
      { ...base, id: 1, createdAtMs: 100, message: { role: 'user', text: 'list files' } },
      { ...base, id: 2, createdAtMs: 200, message: { role: 'assistant', text: '', toolCalls: [{ id: 'c1', name: 'ls', arguments: { dir: '.' } }] } },
      { ...base, id: 3, createdAtMs: 300, message: { role: 'tool', toolCallId: 'c1', name: 'ls', text: 'a.txt' } },
      { ...base, id: 4, createdAtMs: 350, message: { role: 'tool', toolCallId: 'zz', name: 'ls', text: 'orphan' }, excludedReason: 'orphan tool result' },
      { ...base, id: 5, createdAtMs: 400, message: { role: 'assistant', text: 'a.txt' } },
    ];
    const res = await call('chat.history', { sessionKey: 'agent:main:main' });
    assert.equal(res.ok, true, JSON.stringify(res.error));
    assert.deepEqual(rt.histories, [{ sessionKey: 'agent:main:main', limit: 200 }]);
    assert.deepEqual(res.payload, {
      sessionKey: 'agent:main:main',
      sessionId: 'agent:main:main',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'list files' }], timestamp: 100 },
        { role: 'assistant', content: [{ type: 'toolCall', id: 'c1', name: 'ls', arguments: { dir: '.' } }], timestamp: 200 },
        { role: 'toolResult', content: [{ type: 'text', text: 'a.txt' }], timestamp: 300, toolCallId: 'c1', toolName: 'ls', isError: false },
        { role: 'assistant', content: [{ type: 'text', text: 'a.txt' }], timestamp: 400 },
      ],
    });
  });

  test('an unknown session has an empty history, not an error', async () => {
    const { call } = harness(['operator.read']);
    const res = await call('chat.history', { sessionKey: 'agent:main:nobody', limit: 5 });
    assert.deepEqual(res.payload, { sessionKey: 'agent:main:nobody', sessionId: 'agent:main:nobody', messages: [] });
  });

  test('limit is 1..1000', async () => {
    const { call } = harness(['operator.read']);
    assert.equal(codeOf(await call('chat.history', { sessionKey: 'main', limit: 0 })), 'INVALID_PARAMS');
    assert.equal(codeOf(await call('chat.history', { sessionKey: 'main', limit: 1001 })), 'INVALID_PARAMS');
  });

  test('abort reports the runs it stopped', async () => {
    const { rt, call } = harness(['operator.write']);
    assert.deepEqual((await call('chat.abort', { sessionKey: 'main', runId: 'r9' })).payload, { ok: true, aborted: true, runIds: ['r9'] });
    assert.deepEqual((await call('chat.abort', { sessionKey: 'main' })).payload, { ok: true, aborted: false, runIds: [] });
    assert.deepEqual(rt.aborts, [
      { sessionKey: 'main', runId: 'r9' },
      { sessionKey: 'main', runId: undefined },
    ]);
  });
});

describe('agent and agent.wait', () => {
  const routing = { to: '+15550001', replyTo: 'x', sessionId: 's', thinking: 'high', deliver: true, attachments: [], channel: 'telegram', replyChannel: 'telegram', accountId: 'a', replyAccountId: 'a', threadId: 't', groupId: 'g', groupChannel: 'gc', groupSpace: 'gs', lane: 'main', inputProvenance: { kind: 'cli' }, spawnedBy: 'agent:main:main', label: 'nightly', extraSystemPrompt: 'be brief' };

  test("accepts OpenClaw's routing fields, defaults to the default agent's main session, timeout in seconds", async () => {
    const { rt, call } = harness(['operator.write']);
    rt.snapshots.set('idem-2', snapshot({ runId: 'idem-2', status: 'ok', startedAtMs: 20, endedAtMs: 70, text: 'done' }));
    const res = await call('agent', { message: 'hi', idempotencyKey: 'idem-2', timeout: 90, ...routing });
    assert.equal(res.ok, true, JSON.stringify(res.error));
    assert.deepEqual(res.payload, { runId: 'idem-2', status: 'accepted', acceptedAt: 1000 });
    // sessionId names the session when no sessionKey is given (chat.history hands out the key as sessionId).
    assert.deepEqual(rt.sent[0], { sessionKey: 's', message: 'hi', runId: 'idem-2', timeoutMs: 90_000, extraSystemPrompt: 'be brief', label: 'nightly', origin: { kind: 'operator', deviceId: 'dev-1' } });
    const { sessionId: _sessionId, ...noSession } = routing;
    await call('agent', { message: 'hi', idempotencyKey: 'idem-2b', ...noSession });
    assert.equal(rt.sent[1]!.sessionKey, 'agent:ops:main', 'else the default agent\'s main session');
  });

  test('a second response with the same id carries the reply when the run ends', async () => {
    const { rt, call, later } = harness(['operator.write']);
    rt.snapshots.set('idem-3', snapshot({ runId: 'idem-3', startedAtMs: 20, endedAtMs: 70, text: 'the answer' }));
    await call('agent', { message: 'hi', agentId: 'main', idempotencyKey: 'idem-3' });
    await laterArrived(later);
    assert.equal(rt.sent[0]?.sessionKey, 'agent:main:main');
    assert.deepEqual(later, [
      { type: 'res', id: 'r1', ok: true, payload: { runId: 'idem-3', status: 'ok', summary: 'completed', result: { payloads: [{ text: 'the answer' }], meta: { durationMs: 50, usage: { inputTokens: 3, outputTokens: 5 } } } } },
    ]);
  });

  test("a failed run's second response is an error frame with the run's catalogue code", async () => {
    const { rt, call, later } = harness(['operator.write']);
    rt.snapshots.set('idem-4', snapshot({ runId: 'idem-4', status: 'error', error: { code: 'PROVIDER_AUTH', message: 'provider openai rejected the key', providerId: 'openai', errorClass: 'auth' } }));
    await call('agent', { message: 'hi', idempotencyKey: 'idem-4' });
    await laterArrived(later);
    assert.equal(later.length, 1);
    assert.equal(later[0]?.ok, false);
    assert.equal(codeOf(later[0]!), 'PROVIDER_AUTH');
    assert.equal(later[0]?.error?.message, 'provider openai rejected the key');
  });

  test('an agentId that contradicts the session key, an unknown key or an empty message is INVALID_PARAMS', async () => {
    const { rt, call } = harness(['operator.write']);
    const res = await call('agent', { message: 'hi', agentId: 'ops', sessionKey: 'agent:main:main', idempotencyKey: 'k' });
    assert.equal(codeOf(res), 'INVALID_PARAMS');
    assert.equal(codeOf(await call('agent', { message: 'hi', idempotencyKey: 'k', colour: 'blue' })), 'INVALID_PARAMS', 'keys OpenClaw never sends are refused');
    assert.equal(codeOf(await call('agent', { message: '', idempotencyKey: 'k' })), 'INVALID_PARAMS');
    assert.equal(rt.sent.length, 0);
  });

  test('wait reports a failed run with its catalogue code and provider class', async () => {
    const { rt, call } = harness(['operator.write']);
    rt.snapshots.set('r1', snapshot({ runId: 'r1', status: 'error', startedAtMs: 20, endedAtMs: 30, error: { code: 'PROVIDER_RATE_LIMITED', message: 'openai: rate limited; retry later', errorClass: 'rate_limit' } }));
    const res = await call('agent.wait', { runId: 'r1', timeoutMs: 500 });
    assert.deepEqual(res.payload, { runId: 'r1', status: 'error', startedAt: 20, endedAt: 30, error: 'openai: rate limited; retry later', errorCode: 'PROVIDER_RATE_LIMITED', errorClass: 'rate_limit' });
  });

  test('wait on an unknown run times out; the wait defaults to 30 s and is capped', async () => {
    const { rt, call } = harness(['operator.write']);
    assert.deepEqual((await call('agent.wait', { runId: 'ghost' })).payload, { runId: 'ghost', status: 'timeout' });
    await call('agent.wait', { runId: 'ghost', timeoutMs: 99 * 60 * 60_000 });
    assert.deepEqual(
      rt.waits.map((w) => w.timeoutMs),
      [30_000, AGENT_WAIT_MAX_MS],
    );
  });
});

describe('sessions, agents, models', () => {
  const row = (key: string, over: Partial<SessionSummary> = {}): SessionSummary => ({ key, agentId: 'main', kind: 'main', parentKey: null, label: null, model: null, spawnDepth: 0, createdAtMs: 1, updatedAtMs: Date.now(), messageCount: 2, ...over });

  test('sessions.list maps parentKey to spawnedBy and filters by label, search and activity', async () => {
    const { rt, call } = harness(['operator.read']);
    rt.sessionRows = [
      row('agent:main:main', { activeRunId: 'r1', model: 'openai/gpt-4o', effectiveModel: 'openai/gpt-4o', contextTokens: 128000, usage: { inputTokens: 300, outputTokens: 40, lastCallTokens: 180 } }),
      row('agent:main:subagent:a1', { kind: 'subagent', parentKey: 'agent:main:main', label: 'research' }),
      row('agent:main:old', { kind: 'other', updatedAtMs: Date.now() - 3 * 3600_000 }),
    ];
    const all = await call('sessions.list', { includeGlobal: true, includeUnknown: false, includeDerivedTitles: true, includeLastMessage: true });
    assert.equal(all.ok, true, JSON.stringify(all.error));
    const payload = all.payload as { count: number; sessions: Array<Record<string, unknown>> };
    assert.equal(payload.count, 3);
    const main = payload.sessions[0]!;
    assert.deepEqual(Object.keys(main).sort(), ['activeRunId', 'agentId', 'contextTokens', 'createdAt', 'inputTokens', 'key', 'kind', 'messageCount', 'model', 'modelOverride', 'outputTokens', 'totalTokens', 'updatedAt']);
    // OpenClaw's footer reads totalTokens against contextTokens: the last call's tokens, not the session's sum.
    assert.deepEqual([main['inputTokens'], main['outputTokens'], main['totalTokens'], main['contextTokens']], [300, 40, 180, 128000]);
    assert.deepEqual(Object.keys(payload.sessions[1]!).sort(), ['agentId', 'createdAt', 'key', 'kind', 'label', 'messageCount', 'spawnedBy', 'updatedAt']);
    assert.equal(payload.sessions[1]!['spawnedBy'], 'agent:main:main');
    const keys = async (p: unknown) => ((await call('sessions.list', p)).payload as { sessions: Array<{ key: string }> }).sessions.map((s) => s.key);
    assert.deepEqual(await keys({ label: 'research' }), ['agent:main:subagent:a1']);
    assert.deepEqual(await keys({ search: 'OLD' }), ['agent:main:old']);
    assert.deepEqual(await keys({ activeMinutes: 60 }), ['agent:main:main', 'agent:main:subagent:a1']);
    assert.deepEqual(await keys({ spawnedBy: 'agent:main:main' }), ['agent:main:subagent:a1']);
    assert.deepEqual(await keys({ limit: 1 }), ['agent:main:main']);
    assert.deepEqual(await keys(undefined), ['agent:main:main', 'agent:main:subagent:a1', 'agent:main:old']);
  });

  test('agents.list names the default agent in OpenClaw shape', async () => {
    const { call } = harness(['operator.read']);
    assert.deepEqual((await call('agents.list', {})).payload, { defaultId: 'ops', mainKey: 'main', scope: 'per-sender', agents: [{ id: 'main' }, { id: 'ops', name: 'Ops' }] });
  });

  test('models.list and models.status; status carries no undefined keys', async () => {
    const { call } = harness(['operator.read']);
    assert.deepEqual((await call('models.list')).payload, { models: [{ id: 'gpt-4o', name: 'GPT-4o', provider: 'openai', contextWindow: 128000 }] });
    const status = (await call('models.status', {})).payload as { providers: Array<Record<string, unknown>> };
    assert.deepEqual(status.providers, [{ id: 'openai', api: 'openai-completions', keySource: 'env OPENAI_API_KEY', keyFingerprint: 'ab12cd34', state: 'ok' }]);
  });

  test('models.reset needs operator.admin and passes UNKNOWN_PROVIDER through', async () => {
    assert.equal(codeOf(await harness(['operator.write']).call('models.reset', {})), 'MISSING_SCOPE');
    const { call } = harness(['operator.admin']);
    assert.deepEqual((await call('models.reset', {})).payload, { reset: ['openai'] });
    assert.deepEqual((await call('models.reset', { provider: 'openai' })).payload, { reset: ['openai'] });
    assert.equal(codeOf(await call('models.reset', { provider: 'nope' })), 'UNKNOWN_PROVIDER');
  });
});
