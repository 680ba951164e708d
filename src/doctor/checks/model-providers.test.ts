import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statePathsOf, type StatePaths } from '../../config/paths.js';
import { Store } from '../../store/store.js';
import { DoctorContext } from '../context.js';
import { modelProviders } from './model-providers.js';

function tempPaths(t: { after(fn: () => void): void }): StatePaths {
  const dir = mkdtempSync(join(tmpdir(), 'cg-doctor-mp-'));
  chmodSync(dir, 0o700);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return statePathsOf(dir);
}

const NOW = Date.UTC(2030, 0, 1);
const check = (paths: StatePaths, env: NodeJS.ProcessEnv = {}) => modelProviders.run(new DoctorContext({ paths, env, now: () => NOW })) as { summary: string; findings: { id: string; severity: string; message: string; fix?: string }[] };

test('model-providers: no provider is an info finding that points at the docs', async (t) => {
  const out = check(tempPaths(t));
  assert.deepEqual(out.findings.map((f) => [f.id, f.severity]), [['no-model-provider', 'info']]);
});

test('model-providers: an unset key variable and an agent without a model are warnings; a rejected key is an error with its fix, never the key', async (t) => {
  const paths = tempPaths(t);
  const canary = 'sk-doctor-canary-0123456789abcdef';
  writeFileSync(paths.configPath, JSON.stringify({ models: { providers: { a: { api: 'openai-completions', apiKey: { env: 'A_KEY' } }, b: { api: 'anthropic-messages', apiKey: canary } } } }), { mode: 0o600 });
  let out = check(paths);
  assert.deepEqual(out.findings.map((f) => f.id).sort(), ['agent-without-model', 'provider-key-unset']);
  assert.match(out.findings.find((f) => f.id === 'provider-key-unset')!.message, /A_KEY/);

  const store = Store.open(paths.dbPath);
  const { ProviderHealth } = await import('../../agents/provider-health.js');
  const { ProviderError } = await import('../../agents/types.js');
  const { resolveAgents } = await import('../../agents/agent-config.js');
  const providers = resolveAgents(JSON.parse(JSON.stringify({ models: { providers: { a: { api: 'openai-completions', apiKey: { env: 'A_KEY' } }, b: { api: 'anthropic-messages', apiKey: canary } } } })), { A_KEY: 'sk-a' }, '/tmp/clawgate-test-state').providers;
  const health = new ProviderHealth(store, () => NOW);
  health.record(providers.find((p) => p.id === 'b')!, new ProviderError({ providerId: 'b', errorClass: 'auth', status: 401, detail: 'HTTP 401 authentication_error: invalid x-api-key' }));
  health.record(providers.find((p) => p.id === 'a')!, new ProviderError({ providerId: 'a', errorClass: 'rate_limit', status: 429, detail: 'HTTP 429 slow down', retryAfterMs: 60_000 }));
  store.close();

  out = check(paths, { A_KEY: 'sk-a' });
  const byId = new Map(out.findings.map((f) => [f.id, f]));
  assert.equal(byId.get('provider-credential-rejected')!.severity, 'error');
  assert.match(byId.get('provider-credential-rejected')!.fix!, /models\.providers\.b\.apiKey/);
  assert.equal(byId.get('provider-cooldown')!.severity, 'warn');
  assert.match(byId.get('provider-cooldown')!.message, /until 2030-01-01T00:01:00\.000Z/);
  assert.ok(!JSON.stringify(out).includes(canary.slice(3, 15)), 'the key never appears');
});

test('model-providers: a key that is a redacted placeholder (pasted from config get) is an error, in config or in env, and is never sent as a key', async (t) => {
  const paths = tempPaths(t);
  writeFileSync(paths.configPath, JSON.stringify({ agents: { defaults: { model: 'a/m' } }, models: { providers: { a: { api: 'openai-completions', apiKey: '[redacted 51 chars]', models: [{ id: 'm' }] }, b: { api: 'anthropic-messages', apiKey: { env: 'B_KEY' } } } } }), { mode: 0o600 });
  const out = check(paths, { B_KEY: '[redacted]' });
  const placeholders = out.findings.filter((f) => f.id === 'provider-key-placeholder');
  assert.deepEqual(placeholders.map((f) => f.severity), ['error', 'error']);
  assert.match(placeholders[0]!.message, /models\.providers\.a\.apiKey is a redacted placeholder/);
  assert.equal(placeholders[0]!.fix, 'clawgate config set models.providers.a.apiKey <the real key>');
  assert.match(placeholders[1]!.message, /B_KEY is a redacted placeholder/);
  const { resolveAgents } = await import('../../agents/agent-config.js');
  const resolved = resolveAgents(JSON.parse(readFileSync(paths.configPath, 'utf8')), { B_KEY: '[redacted]' }, '/tmp/clawgate-test-state').providers;
  assert.deepEqual(resolved.map((p) => p.apiKey), [undefined, undefined], 'no placeholder becomes a key');
});
