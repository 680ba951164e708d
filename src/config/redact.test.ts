import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempStateDir } from '../../test/helpers/cli-io.js';
import { isSecretKey, scrubValue } from '../logging/redact.js';
import { isSecretConfigPath, redactConfigValue } from './redact.js';

const API_KEY = 'sk-canary-4d2b8e6f1a3c5079b8d6e4f2a1c3b5d7';
const BEARER = 'Bearer canary-9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b';

const CONFIG = {
  gateway: { auth: { token: 'tok-canary-0123456789abcdef0123456789abcdef' } },
  models: {
    providers: {
      cloud: {
        api: 'openai-completions',
        baseUrl: 'https://api.example.com/v1',
        apiKey: API_KEY,
        headers: { Authorization: BEARER, 'x-api-key': API_KEY, 'X-Title': 'clawgate' },
      },
      anthropic: { api: 'anthropic-messages', apiKey: { env: 'ANTHROPIC_API_KEY' } },
    },
  },
};

test('provider API keys and secret headers are redacted; an env reference and plain headers are shown', () => {
  const shown = redactConfigValue('', CONFIG) as typeof CONFIG;
  const text = JSON.stringify(shown);
  for (const secret of [API_KEY, BEARER, CONFIG.gateway.auth.token]) assert.ok(!text.includes(secret.slice(10, 22)), 'no piece of a secret');
  const cloud = shown.models.providers.cloud;
  assert.equal(cloud.apiKey, `[redacted ${API_KEY.length} chars]`);
  assert.equal(cloud.headers.Authorization, `[redacted ${BEARER.length} chars]`);
  assert.equal(cloud.headers['x-api-key'], `[redacted ${API_KEY.length} chars]`);
  assert.equal(cloud.headers['X-Title'], 'clawgate');
  assert.equal(cloud.baseUrl, 'https://api.example.com/v1');
  assert.deepEqual(shown.models.providers.anthropic.apiKey, { env: 'ANTHROPIC_API_KEY' });
});

test('redaction applies to a subtree or a single value by its path', () => {
  assert.equal(redactConfigValue('models.providers.cloud.apiKey', API_KEY), `[redacted ${API_KEY.length} chars]`);
  assert.equal(redactConfigValue('models.providers.cloud.headers.authorization', BEARER), `[redacted ${BEARER.length} chars]`);
  const sub = redactConfigValue('models.providers.cloud', CONFIG.models.providers.cloud);
  assert.ok(!JSON.stringify(sub).includes(API_KEY));
  assert.equal(redactConfigValue('models.providers.cloud.api', 'openai-completions'), 'openai-completions');
  assert.ok(isSecretConfigPath('gateway.auth.token'));
  assert.ok(!isSecretConfigPath('models.providers.cloud.apiKey.env'));
});

test('the web search key is redacted like a provider key; its env reference is shown', () => {
  const shown = redactConfigValue('tools', { web: { search: { provider: 'brave', apiKey: API_KEY } } }) as { web: { search: { apiKey: string } } };
  assert.equal(shown.web.search.apiKey, `[redacted ${API_KEY.length} chars]`);
  assert.equal(redactConfigValue('tools.web.search.apiKey', API_KEY), `[redacted ${API_KEY.length} chars]`);
  assert.deepEqual(redactConfigValue('tools.web.search', { apiKey: { env: 'BRAVE_API_KEY' } }), { apiKey: { env: 'BRAVE_API_KEY' } });
});

test('credentials in a baseUrl are never shown', () => {
  const shown = redactConfigValue('models.providers.x.baseUrl', 'https://me:hunter2canary@api.example.com/v1');
  assert.equal(typeof shown, 'string');
  assert.ok(!(shown as string).includes('hunter2canary'));
  assert.ok(!(shown as string).includes('me:'));
});

test('log scrubbing treats apiKey and secret header names as secret fields', () => {
  for (const name of ['apiKey', 'api_key', 'x-api-key', 'Authorization']) assert.ok(isSecretKey(name), name);
  const scrubbed = JSON.stringify(scrubValue({ provider: CONFIG.models.providers.cloud }));
  assert.ok(!scrubbed.includes(API_KEY.slice(10, 22)));
  assert.ok(!scrubbed.includes(BEARER.slice(10, 22)));
});

test('clawgate config get shows provider settings with keys redacted', async (t) => {
  const dir = tempStateDir(t);
  writeFileSync(join(dir, 'clawgate.json'), JSON.stringify({ models: CONFIG.models }));
  for (const path of [['models.providers.cloud.apiKey'], ['models.providers.cloud.headers'], ['models'], []]) {
    const r = await cli(dir, 'config', 'get', ...path);
    assert.equal(r.code, 0, r.err);
    assert.ok(!r.out.includes(API_KEY.slice(10, 22)) && !r.out.includes(BEARER.slice(10, 22)), `${path.join('') || '(root)'} leaks a key`);
  }
  assert.equal((await cli(dir, 'config', 'get', 'models.providers.anthropic.apiKey.env')).out, '"ANTHROPIC_API_KEY"');
});

test('clawgate config set builds a provider key by key and refuses a baseUrl with credentials without echoing it', async (t) => {
  const dir = tempStateDir(t);
  const set = await cli(dir, 'config', 'set', 'models.providers.local.api', 'openai-completions');
  assert.equal(set.code, 0, set.err);
  assert.equal((await cli(dir, 'config', 'set', 'models.providers.local.baseUrl', 'http://127.0.0.1:11434/v1')).code, 0);
  assert.equal((await cli(dir, 'config', 'set', 'agents.defaults.model', 'local/llama3.2')).code, 0);
  assert.equal((await cli(dir, 'config', 'get', 'models.providers.local.api')).out, '"openai-completions"');
  const bad = await cli(dir, 'config', 'set', 'models.providers.local.baseUrl', 'https://u:pw-canary-77@h/v1');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /models\.providers\.local\.baseUrl: must not contain credentials/);
  assert.ok(!bad.err.includes('pw-canary-77') && !bad.out.includes('pw-canary-77'));
  const model = await cli(dir, 'config', 'set', 'agents.defaults.model', 'nowhere/x');
  assert.equal(model.code, 2);
  assert.match(model.err, /agents\.defaults\.model: provider "nowhere" is not configured/);
});
