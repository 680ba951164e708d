import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { Store } from '../store/store.js';
import { resolvedProvider } from '../../test/helpers/resolved-provider.js';
import {
  BILLING_BACKOFF_BASE_MS,
  BILLING_BACKOFF_MAX_MS,
  OVERLOADED_BACKOFF_BASE_MS,
  OVERLOADED_BACKOFF_MAX_MS,
  ProviderHealth,
  RATE_LIMIT_BACKOFF_BASE_MS,
  RATE_LIMIT_BACKOFF_MAX_MS,
} from './provider-health.js';
import { ProviderError, type ProviderErrorClass } from './types.js';

const T0 = Date.parse('2025-06-01T12:00:00Z');

/** A store file that outlives one Store instance, to play restarts. */
function storePath(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'cg-health-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'state.db');
}

function open(t: TestContext, path: string): Store {
  const store = Store.open(path);
  t.after(() => store.close());
  return store;
}

function clock(start = T0) {
  const c = { ms: start, now: () => c.ms };
  return c;
}

const fail = (errorClass: ProviderErrorClass, over: { status?: number; retryAfterMs?: number; detail?: string } = {}) =>
  new ProviderError({ providerId: 'openai', errorClass, detail: over.detail ?? `HTTP ${over.status ?? 0} x: y`, ...over });

function thrown(fn: () => void): ClawgateError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ClawgateError, String(err));
    return err;
  }
  assert.fail('expected check() to throw');
}

const provider = (key: string | undefined, keySource = 'config') => resolvedProvider('openai-completions', undefined, { id: 'openai', key, keySource });

test('an auth mark blocks the same key, and survives a restart (new instance on the same store file)', (t) => {
  const path = storePath(t);
  const c = clock();
  const p = provider('sk-first-key-aaaa');
  new ProviderHealth(open(t, path), c.now).record(p, fail('auth', { status: 401 }));

  const health = new ProviderHealth(open(t, path), c.now);
  c.ms += 7 * 24 * 3600_000; // a week later: auth marks never expire by themselves
  const err = thrown(() => health.check(p));
  assert.equal(err.code, 'PROVIDER_AUTH');
  assert.deepEqual(err.details, { providerId: 'openai', errorClass: 'auth', untilMs: null });
  assert.match(err.message, /provider "openai" rejected its credential/);
  assert.match(err.message, /clawgate config set models\.providers\.openai\.apiKey/);
  assert.match(err.message, /clawgate models reset openai/);
  assert.ok(err.message.includes(p.apiKey!.fingerprint));
});

test('the auth fix names the environment variable when the key comes from one', (t) => {
  const store = open(t, storePath(t));
  const health = new ProviderHealth(store);
  const p = provider('sk-env-key-bbbb', 'env OPENAI_API_KEY');
  health.record(p, fail('auth', { status: 401 }));
  assert.match(thrown(() => health.check(p)).message, /environment variable OPENAI_API_KEY/);
});

test('a new key clears an auth mark at once; a provider without a key compares as "none"', (t) => {
  const store = open(t, storePath(t));
  const health = new ProviderHealth(store);
  health.record(provider('sk-old-key-cccc'), fail('auth', { status: 401 }));
  health.check(provider('sk-new-key-dddd'));
  assert.equal(store.providerStates.get('openai'), undefined, 'row deleted');
  health.check(provider('sk-old-key-cccc')); // the old key is no longer marked either: the row is gone

  health.record(provider(undefined, 'none'), fail('auth', { status: 401 }));
  assert.equal(store.providerStates.get('openai')?.keyFingerprint, 'none');
  assert.equal(thrown(() => health.check(provider(undefined, 'none'))).code, 'PROVIDER_AUTH');
  health.check(provider('sk-now-with-key'));
  assert.equal(store.providerStates.get('openai'), undefined);
});

test('a billing window ends by itself; the back-off doubles per consecutive failure up to its cap', (t) => {
  const store = open(t, storePath(t));
  const c = clock();
  const health = new ProviderHealth(store, c.now);
  const p = provider('sk-key-eeee');
  health.record(p, fail('billing', { status: 402 }));
  const err = thrown(() => health.check(p));
  assert.equal(err.code, 'PROVIDER_BILLING');
  assert.deepEqual(err.details, { providerId: 'openai', errorClass: 'billing', untilMs: T0 + BILLING_BACKOFF_BASE_MS });
  assert.match(err.message, /cooling down after a billing or quota refusal until 2025-06-01T12:05:00\.000Z \(in 5 min\): add credit/);

  c.ms = T0 + BILLING_BACKOFF_BASE_MS - 1;
  assert.throws(() => health.check(p));
  c.ms = T0 + BILLING_BACKOFF_BASE_MS;
  health.check(p);
  assert.equal(store.providerStates.get('openai')?.failures, 1, 'the row stays to count failures');

  health.record(p, fail('billing', { status: 402 }));
  assert.equal(store.providerStates.get('openai')?.untilMs, c.ms + 2 * BILLING_BACKOFF_BASE_MS);
  for (let i = 0; i < 10; i++) {
    c.ms = store.providerStates.get('openai')!.untilMs!;
    health.record(p, fail('billing', { status: 402 }));
  }
  assert.equal(store.providerStates.get('openai')?.untilMs, c.ms + BILLING_BACKOFF_MAX_MS);
});

test('a failure while the window is still open does not escalate the back-off', (t) => {
  const store = open(t, storePath(t));
  const c = clock();
  const health = new ProviderHealth(store, c.now);
  const p = provider('sk-key-ffff');
  health.record(p, fail('overloaded', { status: 529 }));
  c.ms += 1000;
  health.record(p, fail('overloaded', { status: 503 }));
  const row = store.providerStates.get('openai')!;
  assert.equal(row.failures, 1);
  assert.equal(row.untilMs, T0 + OVERLOADED_BACKOFF_BASE_MS + 1000);
  assert.equal(row.status, 503);
});

test('rate limits use retry-after when given, else 30 s doubling up to 10 min; overloads 15 s up to 2 min', (t) => {
  const store = open(t, storePath(t));
  const c = clock();
  const health = new ProviderHealth(store, c.now);
  const p = provider('sk-key-gggg');
  health.record(p, fail('rate_limit', { status: 429, retryAfterMs: 4200 }));
  assert.equal(thrown(() => health.check(p)).code, 'PROVIDER_RATE_LIMITED');
  assert.equal(store.providerStates.get('openai')?.untilMs, T0 + 4200);
  c.ms = T0 + 4200;
  health.check(p);

  health.reset();
  const windows: number[] = [];
  for (let i = 0; i < 8; i++) {
    health.record(p, fail('rate_limit', { status: 429 }));
    const until = store.providerStates.get('openai')!.untilMs!;
    windows.push(until - c.ms);
    c.ms = until;
  }
  assert.deepEqual(windows, [1, 2, 4, 8, 16, 20, 20, 20].map((n) => Math.min(n * RATE_LIMIT_BACKOFF_BASE_MS, RATE_LIMIT_BACKOFF_MAX_MS)));

  health.reset('openai');
  const overload: number[] = [];
  for (let i = 0; i < 5; i++) {
    health.record(p, fail('overloaded', { status: 500 }));
    const until = store.providerStates.get('openai')!.untilMs!;
    overload.push(until - c.ms);
    c.ms = until;
  }
  assert.deepEqual(overload, [OVERLOADED_BACKOFF_BASE_MS, 2 * OVERLOADED_BACKOFF_BASE_MS, 4 * OVERLOADED_BACKOFF_BASE_MS, OVERLOADED_BACKOFF_MAX_MS, OVERLOADED_BACKOFF_MAX_MS]);
  health.record(p, fail('overloaded', { status: 500 }));
  assert.equal(thrown(() => health.check({ ...p, apiKey: undefined })).code, 'PROVIDER_OVERLOADED', 'a cooldown does not depend on the key');
});

test('a restart neither extends nor forgets a window: it is an absolute time in the store', (t) => {
  const path = storePath(t);
  const c = clock();
  const p = provider('sk-key-hhhh');
  new ProviderHealth(open(t, path), c.now).record(p, fail('rate_limit', { status: 429 }));

  c.ms = T0 + RATE_LIMIT_BACKOFF_BASE_MS - 1;
  const restarted = new ProviderHealth(open(t, path), c.now);
  assert.equal(thrown(() => restarted.check(p)).details['untilMs'], T0 + RATE_LIMIT_BACKOFF_BASE_MS, 'not forgotten');
  c.ms = T0 + RATE_LIMIT_BACKOFF_BASE_MS;
  const again = new ProviderHealth(open(t, path), c.now);
  again.check(p); // not extended by the restarts
});

test('bad_request, network and invalid_response never mark a provider', (t) => {
  const store = open(t, storePath(t));
  const health = new ProviderHealth(store);
  const p = provider('sk-key-iiii');
  for (const cls of ['bad_request', 'network', 'invalid_response'] as const) health.record(p, fail(cls, { status: 400 }));
  assert.deepEqual(store.providerStates.list(), []);
  health.check(p);
});

test('a success clears the mark and the failure count', (t) => {
  const store = open(t, storePath(t));
  const c = clock();
  const health = new ProviderHealth(store, c.now);
  const p = provider('sk-key-jjjj');
  health.record(p, fail('overloaded', { status: 502 }));
  c.ms += OVERLOADED_BACKOFF_BASE_MS;
  health.recordSuccess('openai');
  health.record(p, fail('overloaded', { status: 502 }));
  assert.equal(store.providerStates.get('openai')?.failures, 1);
});

test('status reports ok, cooldown and credential-rejected with the fix; reset returns the ids cleared', (t) => {
  const store = open(t, storePath(t));
  const c = clock();
  const health = new ProviderHealth(store, c.now);
  const a = resolvedProvider('openai-completions', 'http://127.0.0.1:9/v1', { id: 'a', key: 'sk-key-aaaa', keySource: 'env A_KEY' });
  const b = resolvedProvider('anthropic-messages', undefined, { id: 'b', key: 'sk-key-bbbb' });
  const d = resolvedProvider('openai-completions', 'http://127.0.0.1:9/v1', { id: 'd', key: undefined });
  health.record(a, new ProviderError({ providerId: 'a', errorClass: 'auth', status: 401, detail: 'HTTP 401 authentication_error: bad key' }));
  health.record(b, new ProviderError({ providerId: 'b', errorClass: 'rate_limit', status: 429, detail: 'HTTP 429 rate_limit_error: slow', retryAfterMs: 60_000 }));

  const [sa, sb, sd] = health.status([a, b, d]);
  assert.equal(sa?.state, 'credential-rejected');
  assert.equal(sa?.errorClass, 'auth');
  assert.equal(sa?.keySource, 'env A_KEY');
  assert.equal(sa?.keyFingerprint, a.apiKey!.fingerprint);
  assert.equal(sa?.detail, 'HTTP 401 authentication_error: bad key');
  assert.match(sa?.fix ?? '', /A_KEY/);
  assert.equal(sb?.state, 'cooldown');
  assert.equal(sb?.untilMs, T0 + 60_000);
  assert.equal(sb?.failures, 1);
  assert.match(sb?.fix ?? '', /clawgate models reset b/);
  assert.deepEqual(sd, { id: 'd', api: 'openai-completions', baseUrl: 'http://127.0.0.1:9/v1', keySource: 'none', state: 'ok' });

  c.ms += 60_000;
  assert.equal(health.status([b])[0]?.state, 'ok', 'a window that ended reads as ok');
  assert.equal(health.status([{ ...a, apiKey: b.apiKey }])[0]?.state, 'ok', 'a changed key reads as ok');

  assert.deepEqual(health.reset('nobody'), []);
  assert.deepEqual(health.reset('a'), ['a']);
  health.record(a, fail('auth'));
  assert.deepEqual(health.reset(), ['a', 'b']);
  assert.deepEqual(health.reset(), []);
});

test('messages, details and status never contain the key value', (t) => {
  const store = open(t, storePath(t));
  const c = clock();
  const health = new ProviderHealth(store, c.now);
  const canary = 'canary-health-key-5e5e';
  const p = resolvedProvider('openai-completions', 'http://127.0.0.1:9/v1', { id: 'openai', key: canary });
  for (const cls of ['auth', 'billing', 'rate_limit', 'overloaded'] as const) {
    health.reset();
    health.record(p, new ProviderError({ providerId: 'openai', errorClass: cls, status: 400, detail: `echo of ${canary}` }));
    const err = thrown(() => health.check(p));
    const everything = JSON.stringify([err.message, err.details, health.status([p]), store.providerStates.list()]);
    assert.ok(!everything.includes(canary), everything);
  }
});
