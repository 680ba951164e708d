import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setPath } from './key-path.js';
import { configProblems } from './load.js';
import { splitModelRef } from './agent-problems.js';
import { CONFIG_LIMITS } from './schema.js';

const OLLAMA = { api: 'openai-completions', baseUrl: 'http://127.0.0.1:11434/v1' };

function problemsOf(config: unknown): string[] {
  return configProblems(config);
}

test('a full agents and models config is valid', () => {
  const config = {
    models: {
      providers: {
        ollama: { ...OLLAMA, timeoutSeconds: 300, models: [{ id: 'llama3.2', name: 'Llama 3.2', contextWindow: 131072, maxTokens: 8192 }] },
        anthropic: { api: 'anthropic-messages', apiKey: { env: 'ANTHROPIC_API_KEY' }, headers: { 'anthropic-beta': 'x' } },
        openai: { api: 'openai-completions', apiKey: 'sk-literal' },
      },
    },
    agents: {
      defaults: { model: 'ollama/llama3.2', timeoutSeconds: 600, maxConcurrent: 4, subagents: { maxSpawnDepth: 1, maxChildrenPerAgent: 5, maxConcurrent: 8, runTimeoutSeconds: 300 } },
      list: [
        { id: 'main', default: true },
        { id: 'writer', name: 'Writer', model: 'anthropic/claude-sonnet-4-5', systemPrompt: 'You write.', tools: { allow: ['sessions_list'], deny: ['sessions_spawn'] } },
      ],
    },
  };
  assert.deepEqual(problemsOf(config), []);
});

test('wrong shapes are refused naming the key path', () => {
  const cases: [unknown, RegExp][] = [
    [{ models: { providers: { local: { baseUrl: 'http://x' } } } }, /^models\.providers\.local\.api: /],
    [{ models: { providers: { local: { api: 'openai-responses' } } } }, /^models\.providers\.local\.api: /],
    [{ models: { providers: { Local: OLLAMA } } }, /^models\.providers\.Local: /],
    [{ models: { providers: { local: { ...OLLAMA, baseUrl: 'ftp://host' } } } }, /^models\.providers\.local\.baseUrl: /],
    [{ models: { providers: { local: { ...OLLAMA, apiKey: { env: '1BAD' } } } } }, /^models\.providers\.local\.apiKey: /],
    [{ models: { providers: { local: { ...OLLAMA, apiKey: { name: 'X' } } } } }, /^models\.providers\.local\.apiKey: /],
    [{ models: { providers: { local: { ...OLLAMA, timeoutSeconds: 0 } } } }, /^models\.providers\.local\.timeoutSeconds: /],
    [{ models: { providers: { local: { ...OLLAMA, headers: { 'Bad Header': 'x' } } } } }, /^models\.providers\.local\.headers/],
    [{ models: { providers: { local: { ...OLLAMA, models: [{ name: 'no id' }] } } } }, /^models\.providers\.local\.models\.0\.id: /],
    [{ models: { other: {} } }, /^models\.other: /],
    [{ agents: { defaults: { subagents: { maxSpawnDepth: CONFIG_LIMITS.maxSpawnDepth + 1 } } } }, /^agents\.defaults\.subagents\.maxSpawnDepth: /],
    [{ agents: { defaults: { maxConcurrent: 0 } } }, /^agents\.defaults\.maxConcurrent: /],
    [{ agents: { list: [{ id: 'Bad Id' }] } }, /^agents\.list\.0\.id: /],
    [{ agents: { list: [{ id: 'a', systemPrompt: 'x'.repeat(CONFIG_LIMITS.systemPromptChars + 1) }] } }, /^agents\.list\.0\.systemPrompt: /],
    [{ agents: { list: [{ id: 'a', tools: { allow: 'all' } }] } }, /^agents\.list\.0\.tools\.allow: /],
    [{ agents: { list: [{ id: 'a', extra: 1 }] } }, /^agents\.list\.0\.extra: /],
  ];
  for (const [config, pattern] of cases) {
    const problems = problemsOf(config);
    assert.ok(problems.some((p) => pattern.test(p)), `${JSON.stringify(config).slice(0, 120)} → ${JSON.stringify(problems)}`);
  }
});

test('collections are bounded', () => {
  const providers = Object.fromEntries(Array.from({ length: CONFIG_LIMITS.providers + 1 }, (_, i) => [`p${i}`, OLLAMA]));
  assert.ok(problemsOf({ models: { providers } }).some((p) => p.startsWith('models.providers: ')));
  const headers = Object.fromEntries(Array.from({ length: CONFIG_LIMITS.headers + 1 }, (_, i) => [`x-h${i}`, 'v']));
  assert.ok(problemsOf({ models: { providers: { local: { ...OLLAMA, headers } } } }).some((p) => p.startsWith('models.providers.local.headers: ')));
  const list = Array.from({ length: CONFIG_LIMITS.agents + 1 }, (_, i) => ({ id: `a${i}` }));
  assert.ok(problemsOf({ agents: { list } }).some((p) => p.startsWith('agents.list: ')));
});

test('duplicate agent ids and two defaults are refused', () => {
  assert.deepEqual(problemsOf({ agents: { list: [{ id: 'a' }, { id: 'b' }, { id: 'a' }] } }), [
    'agents.list.2.id: duplicate agent id "a" (also agents.list.0.id); ids must be unique',
  ]);
  assert.deepEqual(problemsOf({ agents: { list: [{ id: 'a', default: true }, { id: 'b', default: true }] } }), [
    'agents.list: more than one agent has default: true (a, b); keep it on one',
  ]);
});

test('a model whose provider is not configured is refused with the key path and the fix', () => {
  assert.deepEqual(problemsOf({ agents: { defaults: { model: 'openai/gpt-4o' } } }), [
    'agents.defaults.model: provider "openai" is not configured; add models.providers.openai (api, baseUrl, apiKey)',
  ]);
  assert.deepEqual(problemsOf({ models: { providers: { ollama: OLLAMA } }, agents: { list: [{ id: 'a', model: 'anthropic/claude' }] } }), [
    'agents.list.0.model: provider "anthropic" is not configured; add models.providers.anthropic (api, baseUrl, apiKey), or use one of the configured providers: ollama',
  ]);
  assert.deepEqual(problemsOf({ agents: { defaults: { model: 'llama3.2' } } }), [
    'agents.defaults.model: "llama3.2" is not a model reference; use provider/model, e.g. ollama/llama3.2',
  ]);
});

test('a baseUrl with credentials is refused without echoing them', () => {
  const password = 'hunter2-canary-9b7d';
  for (const baseUrl of [`https://user:${password}@api.example.com/v1`, `https://${password}@api.example.com/v1`]) {
    const problems = problemsOf({ models: { providers: { cloud: { api: 'openai-completions', baseUrl } } } });
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.match(problems[0]!, /^models\.providers\.cloud\.baseUrl: must not contain credentials .*set models\.providers\.cloud\.apiKey/);
    assert.ok(!problems[0]!.includes(password));
  }
  const unparsable = problemsOf({ models: { providers: { cloud: { api: 'openai-completions', baseUrl: 'http://[::1' } } } });
  assert.match(unparsable[0]!, /^models\.providers\.cloud\.baseUrl: not a valid URL/);
});

test('config set style edits build valid nested records one key at a time', () => {
  let config: unknown = {};
  for (const [path, value] of [
    ['models.providers.local.api', 'openai-completions'],
    ['models.providers.local.baseUrl', 'http://127.0.0.1:11434/v1'],
    ['models.providers.local.apiKey', { env: 'LOCAL_KEY' }],
    ['agents.defaults.model', 'local/llama3.2'],
    ['agents.defaults.subagents.maxSpawnDepth', 2],
  ] as const) {
    config = setPath(config, path, value);
    assert.deepEqual(problemsOf(config), [], path);
  }
  assert.deepEqual(config, {
    models: { providers: { local: { api: 'openai-completions', baseUrl: 'http://127.0.0.1:11434/v1', apiKey: { env: 'LOCAL_KEY' } } } },
    agents: { defaults: { model: 'local/llama3.2', subagents: { maxSpawnDepth: 2 } } },
  });
  // A provider must name its api first; the message says which key is missing.
  assert.ok(problemsOf(setPath({}, 'models.providers.x.baseUrl', 'http://h')).some((p) => p.startsWith('models.providers.x.api: ')));
});

test('splitModelRef', () => {
  assert.deepEqual(splitModelRef('a/b/c'), { provider: 'a', model: 'b/c' });
  assert.equal(splitModelRef('a'), undefined);
  assert.equal(splitModelRef('a/b\n'), undefined);
});
