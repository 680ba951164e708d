import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_CATALOGUE } from '../protocol/error-catalogue.js';
import { resolvedProvider } from '../../test/helpers/resolved-provider.js';
import { PROVIDER_CODES, providerFix, toRunError, USER_REPLIES, userReplyFor } from './provider-errors.js';
import { PROVIDER_ERROR_CLASSES, ProviderError } from './types.js';

test('every class maps to a provider-kind catalogue code', () => {
  for (const cls of PROVIDER_ERROR_CLASSES) assert.equal(ERROR_CATALOGUE[PROVIDER_CODES[cls]].kind, 'provider', cls);
  assert.equal(new Set(Object.values(PROVIDER_CODES)).size, PROVIDER_ERROR_CLASSES.length);
});

test('toRunError names the provider, the class in words, the HTTP status, the scrubbed detail and the fix', () => {
  const err = new ProviderError({ providerId: 'openai', errorClass: 'auth', status: 401, detail: 'HTTP 401 invalid_request_error (invalid_api_key): Incorrect API key provided: sk-[redacted]' });
  const run = toRunError(err, resolvedProvider('openai-completions', undefined, { id: 'openai', keySource: 'env OPENAI_API_KEY' }));
  assert.equal(run.code, 'PROVIDER_AUTH');
  assert.equal(run.providerId, 'openai');
  assert.equal(run.errorClass, 'auth');
  assert.equal(
    run.message,
    'provider "openai" rejected its credential (HTTP 401): invalid_request_error (invalid_api_key): Incorrect API key provided: sk-[redacted]; put a valid key in the environment variable OPENAI_API_KEY and restart the gateway, or run: clawgate models reset openai',
  );
  const limited = toRunError(new ProviderError({ providerId: 'openai', errorClass: 'rate_limit', status: 429, detail: 'HTTP 429 rate_limit_exceeded: slow down' }), undefined, { untilMs: Date.UTC(2030, 0, 1, 0, 0, 30), nowMs: Date.UTC(2030, 0, 1) });
  assert.match(limited.message, /^provider "openai" .*\(HTTP 429\): rate_limit_exceeded: slow down; paused until 2030-01-01T00:00:30\.000Z \(in 30 s\); /);
  const net = toRunError(new ProviderError({ providerId: 'local', errorClass: 'network', detail: 'network ECONNREFUSED: connection refused' }));
  assert.equal(net.code, 'PROVIDER_NETWORK');
  assert.match(net.message, /^provider "local" could not be reached: network ECONNREFUSED/);
  assert.match(net.message, /models\.providers\.local\.baseUrl/);
});

test('every class has a fix that names what to do', () => {
  const p = resolvedProvider('anthropic-messages', 'https://user:secret@proxy.example', { id: 'claude' });
  for (const cls of PROVIDER_ERROR_CLASSES) {
    const fix = providerFix(p, cls);
    assert.ok(fix.length > 20, cls);
    assert.ok(!fix.includes('secret'), fix);
  }
  assert.match(providerFix(p, 'auth'), /clawgate config set models\.providers\.claude\.apiKey/);
});

test('end users get one short fixed text per class, plus timeout, internal and config', () => {
  assert.ok(Object.isFrozen(USER_REPLIES));
  for (const cls of [...PROVIDER_ERROR_CLASSES, 'timeout', 'internal', 'config']) {
    const text = userReplyFor(cls);
    assert.ok(text.length > 10 && text.length < 120, cls);
    assert.doesNotMatch(text, /https?:|sk-|HTTP \d|provider "/, cls);
  }
  assert.equal(userReplyFor('PROVIDER_RATE_LIMITED'), USER_REPLIES.rate_limit);
  assert.equal(userReplyFor('RUN_TIMEOUT'), USER_REPLIES.timeout);
  assert.equal(userReplyFor('MODEL_NOT_CONFIGURED'), USER_REPLIES.config);
  assert.equal(userReplyFor('anything else'), USER_REPLIES.internal);
  assert.equal(userReplyFor('toString'), USER_REPLIES.internal, 'no prototype keys');
});
