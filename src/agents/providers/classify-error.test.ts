import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as AnthropicSdk from '@anthropic-ai/sdk';
import * as OpenAiSdk from 'openai';
import { Secret } from '../../auth/secret.js';
import { startFakeAnthropic } from '../../../test/helpers/fake-anthropic.js';
import { startFakeOpenAi } from '../../../test/helpers/fake-openai.js';
import type { Reply } from '../../../test/helpers/fake-model-server.js';
import { resolvedProvider } from '../../../test/helpers/resolved-provider.js';
import { ProviderError, type ProviderErrorClass } from '../types.js';
import { createAnthropicProvider } from './anthropic-messages.js';
import { classifyProviderError, DETAIL_MESSAGE_MAX, MAX_RETRY_AFTER_MS, parseRetryAfterMs, scrubSecrets } from './classify-error.js';
import { createOpenAiProvider } from './openai-completions.js';

const openAiBody = (message: string, type: string, code?: string): string => JSON.stringify({ error: { message, type, ...(code ? { code } : {}) } });
const anthropicBody = (type: string, message: string): string => JSON.stringify({ type: 'error', error: { type, message } });

interface Row {
  readonly name: string;
  readonly reply: Reply;
  readonly errorClass: ProviderErrorClass;
  readonly detail?: string | RegExp;
  readonly retryAfterMs?: number;
}

/** Every HTTP rule, as the providers see it through the real SDKs and a real server. */
const HTTP_TABLE: readonly Row[] = [
  { name: '401 OpenAI invalid_api_key', reply: { status: 401, body: openAiBody('Incorrect API key provided: sk-proj-****abcd', 'invalid_request_error', 'invalid_api_key') }, errorClass: 'auth', detail: 'HTTP 401 invalid_request_error (invalid_api_key): Incorrect API key provided: sk-[redacted]' },
  { name: '401 Anthropic authentication_error', reply: { status: 401, body: anthropicBody('authentication_error', 'invalid x-api-key') }, errorClass: 'auth', detail: 'HTTP 401 authentication_error: invalid x-api-key' },
  { name: '401 plain text', reply: { status: 401, body: 'Unauthorized' }, errorClass: 'auth', detail: 'HTTP 401 error: Unauthorized' },
  { name: '401 empty body', reply: { status: 401, body: '' }, errorClass: 'auth', detail: 'HTTP 401 error: (no message)' },
  { name: '403 permission', reply: { status: 403, body: anthropicBody('permission_error', 'not allowed for this key') }, errorClass: 'auth' },
  { name: '403 billing', reply: { status: 403, body: openAiBody('Billing hard limit has been reached', 'access_terminated') }, errorClass: 'billing' },
  { name: '403 quota (text)', reply: { status: 403, body: 'quota exhausted for this project' }, errorClass: 'billing' },
  { name: '402', reply: { status: 402, body: '{}' }, errorClass: 'billing' },
  { name: '429 rate limit with retry-after seconds', reply: { status: 429, body: openAiBody('Rate limit reached for requests', 'requests', 'rate_limit_exceeded'), headers: { 'retry-after': '7' } }, errorClass: 'rate_limit', retryAfterMs: 7000 },
  { name: '429 with retry-after-ms', reply: { status: 429, body: anthropicBody('rate_limit_error', 'slow down'), headers: { 'retry-after-ms': '1500', 'retry-after': '9' } }, errorClass: 'rate_limit', retryAfterMs: 1500 },
  { name: '429 with a huge retry-after is bounded', reply: { status: 429, body: '{}', headers: { 'retry-after': '999999' } }, errorClass: 'rate_limit', retryAfterMs: MAX_RETRY_AFTER_MS },
  { name: '429 insufficient_quota', reply: { status: 429, body: openAiBody('You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', 'insufficient_quota') }, errorClass: 'billing' },
  { name: '429 out of credits', reply: { status: 429, body: 'no credit left on this account' }, errorClass: 'billing' },
  { name: '400 credit balance too low', reply: { status: 400, body: anthropicBody('invalid_request_error', 'Your credit balance is too low to access the API.') }, errorClass: 'billing' },
  { name: '400 billing', reply: { status: 400, body: openAiBody('billing not active', 'invalid_request_error') }, errorClass: 'billing' },
  { name: '400 bad model', reply: { status: 400, body: openAiBody('model not found: gpt-9', 'invalid_request_error') }, errorClass: 'bad_request' },
  { name: '404', reply: { status: 404, body: anthropicBody('not_found_error', 'model: nope') }, errorClass: 'bad_request' },
  { name: '413', reply: { status: 413, body: 'request too large' }, errorClass: 'bad_request' },
  { name: '422', reply: { status: 422, body: '{"detail":"bad"}' }, errorClass: 'bad_request' },
  { name: '500', reply: { status: 500, body: openAiBody('The server had an error', 'server_error') }, errorClass: 'overloaded' },
  { name: '502 html page', reply: { status: 502, body: '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>' }, errorClass: 'overloaded', detail: 'HTTP 502 error: 502 Bad Gateway nginx' },
  { name: '503', reply: { status: 503, body: '' }, errorClass: 'overloaded' },
  { name: '504', reply: { status: 504, body: 'gateway timeout' }, errorClass: 'overloaded' },
  { name: '529 overloaded_error', reply: { status: 529, body: anthropicBody('overloaded_error', 'Overloaded') }, errorClass: 'overloaded', detail: 'HTTP 529 overloaded_error: Overloaded' },
];

for (const api of ['openai-completions', 'anthropic-messages'] as const) {
  test(`HTTP failures classify by status and body (${api}, through the real SDK)`, async (t) => {
    let current: Reply = {};
    const server = api === 'openai-completions' ? await startFakeOpenAi(() => current) : await startFakeAnthropic(() => current);
    t.after(() => server.close());
    const p = resolvedProvider(api, server.url);
    const provider = api === 'openai-completions' ? createOpenAiProvider(p) : createAnthropicProvider(p);
    for (const row of HTTP_TABLE) {
      current = row.reply;
      let err: unknown;
      try {
        for await (const _ of provider.stream({ model: 'm', messages: [{ role: 'user', text: 'x' }], tools: [], signal: new AbortController().signal })) void _;
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof ProviderError, `${row.name}: ${String(err)}`);
      assert.equal(err.errorClass, row.errorClass, row.name);
      assert.equal(err.status, row.reply.status, row.name);
      assert.equal(err.providerId, p.id);
      if (row.detail !== undefined) {
        if (typeof row.detail === 'string') assert.equal(err.detail, row.detail, row.name);
        else assert.match(err.detail, row.detail, row.name);
      }
      assert.equal(err.retryAfterMs, row.retryAfterMs, row.name);
    }
  });
}

const ctx = { providerId: 'p1' };

test('aborts are re-thrown unchanged, never classified', () => {
  for (const abort of [new DOMException('aborted', 'AbortError'), new OpenAiSdk.APIUserAbortError(), new AnthropicSdk.APIUserAbortError()]) {
    assert.throws(() => classifyProviderError(abort, ctx), (e) => e === abort);
  }
});

test('connection failures and timeouts are network', () => {
  const cases: [unknown, RegExp][] = [
    [new OpenAiSdk.APIConnectionTimeoutError(), /timeout/],
    [new AnthropicSdk.APIConnectionTimeoutError(), /timeout/],
    [new OpenAiSdk.APIConnectionError({ cause: Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' }) }) }), /ENOTFOUND: host not found/],
    [new AnthropicSdk.APIConnectionError({ message: 'Connection error.', cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }), /ECONNREFUSED: connection refused/],
    [Object.assign(new TypeError('terminated'), { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }), /UND_ERR_SOCKET/],
    [new TypeError('terminated'), /ECONNRESET: connection reset/],
    [Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), /ECONNRESET/],
  ];
  for (const [err, detail] of cases) {
    const pe = classifyProviderError(err, ctx);
    assert.equal(pe.errorClass, 'network', String(err));
    assert.equal(pe.status, undefined);
    assert.match(pe.detail, detail);
  }
});

test('unparseable stream data and unknown errors are invalid_response', () => {
  assert.equal(classifyProviderError(new SyntaxError('Unexpected token < in JSON'), ctx).errorClass, 'invalid_response');
  assert.equal(classifyProviderError(new Error('something odd'), ctx).errorClass, 'invalid_response');
  assert.equal(classifyProviderError('a string', ctx).errorClass, 'invalid_response');
});

test('error events inside a 200 stream classify by the provider error type', () => {
  const headers = new Headers();
  const anthropic = (type: string) => new AnthropicSdk.APIError(undefined, { type: 'error', error: { type, message: 'm' } }, undefined, headers);
  assert.equal(classifyProviderError(anthropic('overloaded_error'), ctx).errorClass, 'overloaded');
  assert.equal(classifyProviderError(anthropic('rate_limit_error'), ctx).errorClass, 'rate_limit');
  assert.equal(classifyProviderError(anthropic('authentication_error'), ctx).errorClass, 'auth');
  assert.equal(classifyProviderError(anthropic('billing_error'), ctx).errorClass, 'billing');
  assert.equal(classifyProviderError(anthropic('mystery_error'), ctx).errorClass, 'invalid_response');
  const openai = new OpenAiSdk.APIError(undefined, { message: 'quota', type: 'insufficient_quota', code: 'insufficient_quota' }, undefined, headers);
  const pe = classifyProviderError(openai, ctx);
  assert.equal(pe.errorClass, 'billing');
  assert.equal(pe.detail, 'stream insufficient_quota: quota');
});

test('a ProviderError passes through as it is', () => {
  const pe = new ProviderError({ providerId: 'p1', errorClass: 'auth', status: 401, detail: 'd' });
  assert.equal(classifyProviderError(pe, ctx), pe);
});

test('the provider message is cut to DETAIL_MESSAGE_MAX characters, after the key was scrubbed', () => {
  const key = 'zq-canary-key-value-xyzzy';
  const message = `${'word '.repeat((DETAIL_MESSAGE_MAX - 10) / 5)}${key} and more`;
  const err = new OpenAiSdk.APIError(400, { message, type: 'invalid_request_error' }, undefined, new Headers());
  const pe = classifyProviderError(err, { providerId: 'p1', apiKey: new Secret(key) });
  assert.ok(!pe.detail.includes('zq-canary'), pe.detail);
  assert.ok(pe.detail.endsWith('…'));
  assert.equal(pe.detail.length, 'HTTP 400 invalid_request_error: '.length + DETAIL_MESSAGE_MAX + 1);
});

test('scrubSecrets removes the key, sk- keys, bearer tokens, URL credentials and long base64/hex runs', () => {
  const key = 'my-local-key-42';
  const text = [
    `key ${key}`,
    'sk-ant-api03-AbCdEf_123-xyz',
    'Authorization: Bearer abc.def.ghi',
    'https://user:pa55@proxy.example/v1',
    'http://host/v1?api_key=s3cr3t&x=1',
    'hex 0123456789abcdef0123456789abcdef',
    'b64 QWxhZGRpbjpPcGVuU2VzYW1lQWxhZGRpbjpPcGVuU2VzYW1l',
    'model claude-3-5-sonnet-20241022 stays',
  ].join('\n');
  const out = scrubSecrets(text, key);
  for (const secret of [key, 'AbCdEf_123', 'abc.def.ghi', 'pa55', 's3cr3t', '0123456789abcdef0123', 'QWxhZGRpbjpPcGVu']) {
    assert.ok(!out.includes(secret), `${secret} left in:\n${out}`);
  }
  assert.match(out, /model claude-3-5-sonnet-20241022 stays/);
  assert.match(out, /https:\/\/\[redacted\]@proxy\.example\/v1/);
});

test('parseRetryAfterMs reads milliseconds, seconds and HTTP dates, bounded', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  assert.equal(parseRetryAfterMs(new Headers({ 'retry-after-ms': '250' }), now), 250);
  assert.equal(parseRetryAfterMs(new Headers({ 'retry-after': '2.5' }), now), 2500);
  assert.equal(parseRetryAfterMs({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }, now), 30_000);
  assert.equal(parseRetryAfterMs(new Headers({ 'retry-after': '86400' }), now), MAX_RETRY_AFTER_MS);
  assert.equal(parseRetryAfterMs(new Headers({ 'retry-after': '-3' }), now), undefined);
  assert.equal(parseRetryAfterMs(new Headers({ 'retry-after': 'soon' }), now), undefined);
  assert.equal(parseRetryAfterMs(new Headers(), now), undefined);
  assert.equal(parseRetryAfterMs(undefined, now), undefined);
});
