import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { Secret } from '../auth/secret.js';
import type { Config } from '../config/schema.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { agentModel, parseModelRef, resolveAgents } from './agent-config.js';

const KEY = 'sk-canary-7f3a9c2e1b5d4068a9e7c3b1d2f40516';

function modelNotConfigured(pattern: RegExp) {
  return (err: unknown) => err instanceof ClawgateError && err.code === 'MODEL_NOT_CONFIGURED' && pattern.test(err.message);
}

test('an empty config resolves to one default agent, main, with the documented defaults', () => {
  const r = resolveAgents({}, {}, '/tmp/clawgate-test-state');
  assert.deepEqual(r.defaults, {
    model: undefined,
    timeoutMs: 600_000,
    maxConcurrent: 4,
    subagents: { maxSpawnDepth: 1, maxChildrenPerAgent: 5, maxConcurrent: 8, runTimeoutMs: 600_000 },
  });
  assert.deepEqual(r.agents, [{ id: 'main', name: undefined, model: undefined, systemPrompt: undefined, tools: {}, workspace: '/tmp/clawgate-test-state/workspace', isDefault: true }]);
  assert.equal(r.defaultAgentId, 'main');
  assert.deepEqual(r.providers, []);
});

test('defaults from config; the sub-agent run timeout follows the agent timeout unless set', () => {
  const base: Config = { agents: { defaults: { model: 'local/m', timeoutSeconds: 30, maxConcurrent: 2, subagents: { maxSpawnDepth: 3, maxChildrenPerAgent: 1, maxConcurrent: 2 } } } };
  const r = resolveAgents(base, {}, '/tmp/clawgate-test-state');
  assert.deepEqual(r.defaults, { model: 'local/m', timeoutMs: 30_000, maxConcurrent: 2, subagents: { maxSpawnDepth: 3, maxChildrenPerAgent: 1, maxConcurrent: 2, runTimeoutMs: 30_000 } });
  const own = resolveAgents({ agents: { defaults: { subagents: { runTimeoutSeconds: 45 } } } }, {}, '/tmp/clawgate-test-state');
  assert.equal(own.defaults.subagents.runTimeoutMs, 45_000);
  assert.equal(own.defaults.timeoutMs, 600_000);
});

test('listed agents take the default model unless they name their own; default is the marked one, else the first', () => {
  const config: Config = {
    agents: {
      defaults: { model: 'local/small' },
      list: [
        { id: 'ops', name: 'Ops', systemPrompt: 'be brief', tools: { allow: ['sessions_*'], deny: ['exec'] } },
        { id: 'coder', model: 'local/big', default: true },
      ],
    },
  };
  const r = resolveAgents(config, {}, '/tmp/clawgate-test-state');
  assert.equal(r.defaultAgentId, 'coder');
  assert.deepEqual(r.agents, [
    { id: 'ops', name: 'Ops', model: 'local/small', systemPrompt: 'be brief', tools: { allow: ['sessions_*'], deny: ['exec'] }, workspace: '/tmp/clawgate-test-state/workspace-ops', isDefault: false },
    { id: 'coder', name: undefined, model: 'local/big', systemPrompt: undefined, tools: {}, workspace: '/tmp/clawgate-test-state/workspace', isDefault: true },
  ]);
  const firstWins = resolveAgents({ agents: { list: [{ id: 'a' }, { id: 'b' }] } }, {}, '/tmp/clawgate-test-state');
  assert.equal(firstWins.defaultAgentId, 'a');
  assert.deepEqual(firstWins.agents.map((a) => a.isDefault), [true, false]);
});

test('providers: key from config, from env, from an unset env, or none; timeouts and models', () => {
  const config: Config = {
    models: {
      providers: {
        openai: { api: 'openai-completions', apiKey: KEY },
        anthropic: { api: 'anthropic-messages', apiKey: { env: 'ANTHROPIC_API_KEY' }, timeoutSeconds: 30 },
        other: { api: 'anthropic-messages', apiKey: { env: 'MISSING_KEY' } },
        ollama: { api: 'openai-completions', baseUrl: 'http://127.0.0.1:11434/v1', headers: { 'X-Trace': '1' }, models: [{ id: 'llama3.2', contextWindow: 131072 }] },
      },
    },
  };
  const r = resolveAgents(config, { ANTHROPIC_API_KEY: ` ${KEY}-env `, MISSING_KEY: '  ' }, '/tmp/clawgate-test-state');
  const [openai, anthropic, other, ollama] = r.providers;
  assert.equal(openai!.keySource, 'config');
  assert.ok(openai!.apiKey instanceof Secret);
  assert.equal(openai!.apiKey.reveal(), KEY);
  assert.equal(openai!.requestTimeoutMs, 120_000);
  assert.equal(openai!.baseUrl, undefined);
  assert.equal(anthropic!.keySource, 'env ANTHROPIC_API_KEY');
  assert.equal(anthropic!.apiKey?.reveal(), `${KEY}-env`, 'surrounding whitespace of a variable is dropped');
  assert.equal(anthropic!.requestTimeoutMs, 30_000);
  assert.equal(other!.keySource, 'env MISSING_KEY (unset)');
  assert.equal(other!.apiKey, undefined);
  assert.deepEqual(
    ollama,
    { id: 'ollama', api: 'openai-completions', baseUrl: 'http://127.0.0.1:11434/v1', apiKey: undefined, keySource: 'none', headers: { 'X-Trace': '1' }, requestTimeoutMs: 120_000, models: [{ id: 'llama3.2', contextWindow: 131072 }] },
  );
});

test('a resolved provider never shows its key when printed or serialized', () => {
  const r = resolveAgents({ models: { providers: { p: { api: 'openai-completions', apiKey: KEY } } } }, {}, '/tmp/clawgate-test-state');
  const shown = [JSON.stringify(r), inspect(r, { depth: 10 }), String(r.providers[0]!.apiKey)].join('\n');
  assert.ok(!shown.includes(KEY.slice(8, 16)), 'no piece of the key');
  assert.match(inspect(r.providers[0]!.apiKey), /Secret\(sha256:[0-9a-f]{12}\)/);
});

test('parseModelRef splits at the first slash; anything else is MODEL_NOT_CONFIGURED naming the form', () => {
  assert.deepEqual(parseModelRef('ollama/llama3.2'), { provider: 'ollama', model: 'llama3.2' });
  assert.deepEqual(parseModelRef('router/meta-llama/llama-3:70b'), { provider: 'router', model: 'meta-llama/llama-3:70b' });
  for (const bad of ['llama3.2', '/m', 'p/', 'Upper/m', 'p/has space', '']) {
    assert.throws(() => parseModelRef(bad), modelNotConfigured(/use provider\/model, e\.g\. ollama\/llama3\.2/), bad);
  }
});

test('agentModel finds the provider, or says which key to set', () => {
  const r = resolveAgents(
    { models: { providers: { local: { api: 'openai-completions' } } }, agents: { list: [{ id: 'a', model: 'local/m' }, { id: 'b', model: 'cloud/x' }, { id: 'c' }] } },
    {},
    '/tmp/clawgate-test-state',
  );
  const [a, b, c] = r.agents;
  const ok = agentModel(r, a!);
  assert.equal(ok.provider.id, 'local');
  assert.equal(ok.model, 'm');
  assert.throws(() => agentModel(r, b!), modelNotConfigured(/provider "cloud" is not configured; add models\.providers\.cloud/));
  assert.throws(() => agentModel(r, c!), modelNotConfigured(/agent "c" has no model; set agents\.defaults\.model/));
});
