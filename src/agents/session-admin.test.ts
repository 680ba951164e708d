import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempStore } from '../../test/helpers/temp-store.js';
import { resolveAgents } from './agent-config.js';
import { patchSession, resetSession, sessionDefaults, summarize, type SessionAdminDeps } from './session-admin.js';

const config = resolveAgents(
  {
    models: { providers: { fake: { api: 'openai-completions', baseUrl: 'http://127.0.0.1:9/v1', models: [{ id: 'm1', contextWindow: 200_000 }, { id: 'm2' }] } } },
    agents: { defaults: { model: 'fake/m1' }, list: [{ id: 'main', default: true }, { id: 'coder', model: 'fake/m2' }] },
  },
  {},
  '/tmp/clawgate-test-state',
);

function deps(t: import('node:test').TestContext): SessionAdminDeps {
  const store = tempStore(t);
  return { store, config: () => config, now: () => 5000, abort: () => [], waitEnded: async () => undefined, killProcesses: async () => 0, activeRunOf: () => undefined };
}

test('defaults are the default agent\'s model with the context window its provider names', () => {
  assert.deepEqual(sessionDefaults(config), { model: 'fake/m1', contextTokens: 200_000 });
});

test('a session\'s model is its override, else its agent\'s; a window the config does not name is left out', (t) => {
  const d = deps(t);
  const main = d.store.sessions.ensure({ key: 'agent:main:main', agentId: 'main', kind: 'main' }, 1);
  const coder = d.store.sessions.ensure({ key: 'agent:coder:main', agentId: 'coder', kind: 'main' }, 1);
  assert.deepEqual([summarize(d, main).effectiveModel, summarize(d, main).contextTokens], ['fake/m1', 200_000]);
  assert.deepEqual([summarize(d, coder).effectiveModel, summarize(d, coder).contextTokens], ['fake/m2', undefined]);
  const patched = patchSession(d, 'agent:coder:main', { model: 'fake/m1' });
  assert.deepEqual([patched.model, patched.effectiveModel, patched.contextTokens, patched.updatedAtMs], ['fake/m1', 'fake/m1', 200_000, 5000]);
});

test('a patch to a model whose provider is not configured changes nothing', (t) => {
  const d = deps(t);
  d.store.sessions.ensure({ key: 'agent:main:main', agentId: 'main', kind: 'main', label: 'keep' }, 1);
  assert.throws(() => patchSession(d, 'agent:main:main', { model: 'other/x', label: 'new' }), (err: { code?: string }) => err.code === 'MODEL_NOT_CONFIGURED');
  assert.deepEqual([d.store.sessions.get('agent:main:main')!.model, d.store.sessions.get('agent:main:main')!.label], [null, 'keep']);
});

test('a session deleted while its reset waited for its runs is UNKNOWN_SESSION, not an internal error', async (t) => {
  const d = deps(t);
  d.store.sessions.ensure({ key: 'agent:main:main', agentId: 'main', kind: 'main' }, 1);
  const racing: SessionAdminDeps = { ...d, waitEnded: async () => void d.store.write(() => d.store.sessions.delete('agent:main:main')) };
  await assert.rejects(resetSession(racing, 'agent:main:main'), (err: { code?: string }) => err.code === 'UNKNOWN_SESSION');
  assert.equal(d.store.sessions.get('agent:main:main'), undefined);
});
