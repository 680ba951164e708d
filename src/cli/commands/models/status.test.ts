import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveAgents } from '../../../agents/agent-config.js';
import { ProviderHealth } from '../../../agents/provider-health.js';
import { ProviderError } from '../../../agents/types.js';
import { statePathsOf } from '../../../config/paths.js';
import { Store } from '../../../store/store.js';
import { freePort } from '../../../../test/helpers/gateway-process.js';
import { cli, tempStateDir } from '../../../../test/helpers/cli-io.js';
import { renderProviderStatus } from './status.js';

const NOW = Date.parse('2030-01-01T00:00:00.000Z');

test('models status: one row per provider, then the detail and fix of each provider that is not ok', () => {
  const out = renderProviderStatus(
    {
      providers: [
        { id: 'openai', api: 'openai-completions', keySource: 'env OPENAI_API_KEY', keyFingerprint: 'sha256:0123456789ab', state: 'ok' },
        {
          id: 'anthropic',
          api: 'anthropic-messages',
          keySource: 'config',
          keyFingerprint: 'sha256:ba9876543210',
          state: 'credential-rejected',
          errorClass: 'auth',
          failures: 1,
          detail: 'HTTP 401 authentication_error: invalid x-api-key',
          fix: 'set a new key: clawgate config set models.providers.anthropic.apiKey <key>, or run: clawgate models reset anthropic',
        },
        { id: 'groq', api: 'openai-completions', keySource: 'env GROQ_KEY (unset)', state: 'cooldown', errorClass: 'rate_limit', untilMs: NOW + 90_000, failures: 2, detail: 'HTTP 429 rate_limit_exceeded', fix: 'wait' },
      ],
    },
    NOW,
  ).split('\n');
  assert.match(out[0]!, /^PROVIDER\s+API\s+KEY\s+STATE\s+UNTIL$/);
  assert.match(out[1]!, /^openai\s+openai-completions\s+env OPENAI_API_KEY sha256:0123456789ab\s+ok\s+-$/);
  assert.match(out[2]!, /^anthropic\s+anthropic-messages\s+config sha256:ba9876543210\s+credential-rejected \(auth\)\s+-$/);
  assert.match(out[3]!, /^groq\s+openai-completions\s+env GROQ_KEY \(unset\)\s+cooldown \(rate_limit\)\s+2030-01-01T00:01:30\.000Z \(in 90 s\)$/);
  assert.deepEqual(out.slice(4), [
    '',
    'anthropic: HTTP 401 authentication_error: invalid x-api-key (1 consecutive failure)',
    '  fix: set a new key: clawgate config set models.providers.anthropic.apiKey <key>, or run: clawgate models reset anthropic',
    '',
    'groq: HTTP 429 rate_limit_exceeded (2 consecutive failures)',
    '  fix: wait',
  ]);
  assert.match(renderProviderStatus({ providers: [] }), /^No providers configured/);
});

test('with the gateway not running, models status reads the config and the store and says so', async (t) => {
  const dir = tempStateDir(t);
  const key = 'sk-test-not-a-real-key-0123456789';
  const config = { gateway: { port: await freePort() }, models: { providers: { openai: { api: 'openai-completions' as const, apiKey: key } } } };
  writeFileSync(join(dir, 'clawgate.json'), JSON.stringify(config), { mode: 0o600 });
  const store = Store.open(statePathsOf(dir).dbPath);
  try {
    const provider = resolveAgents(config, {}, '/tmp/clawgate-test-state').providers[0]!;
    new ProviderHealth(store).record(provider, new ProviderError({ providerId: 'openai', errorClass: 'rate_limit', status: 429, detail: 'HTTP 429 rate limited', retryAfterMs: 600_000 }));
  } finally {
    store.close();
  }
  const r = await cli(dir, 'models', 'status');
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /^note: the gateway is not running; reading provider state from .*state\.db/);
  assert.match(r.out, /^openai\s+openai-completions\s+config sha256:[0-9a-f]{12}\s+cooldown \(rate_limit\)\s+\d{4}-\d\d-\d\dT/m);
  assert.match(r.out, /^openai: HTTP 429 rate limited \(1 consecutive failure\)$/m);
  assert.ok(!r.out.includes(key) && !r.err.includes(key), 'the key itself is never printed');

  const json = await cli(dir, 'models', 'status', '--json');
  assert.equal(json.code, 0, json.err);
  const doc = JSON.parse(json.out);
  assert.equal(doc.providers[0].state, 'cooldown');
  assert.equal(doc.providers[0].errorClass, 'rate_limit');
});
