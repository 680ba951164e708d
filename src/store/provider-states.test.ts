import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempStore } from '../../test/helpers/temp-store.js';
import type { ProviderStateRecord } from './provider-states.js';

const row = (providerId: string, over: Partial<ProviderStateRecord> = {}): ProviderStateRecord => ({
  providerId, errorClass: 'rate_limit', failures: 1, detail: 'HTTP 429 rate_limit_error: slow', updatedAtMs: 100, untilMs: 30_100, status: 429, ...over,
});

test('provider states: upsert, get, list, replace, delete', (t) => {
  const { providerStates } = tempStore(t);
  assert.equal(providerStates.get('a'), undefined);
  providerStates.upsert(row('b'));
  providerStates.upsert(row('a', { errorClass: 'auth', keyFingerprint: 'sha256:0123456789ab', untilMs: undefined, status: 401 }));
  assert.deepEqual(providerStates.get('a'), { providerId: 'a', errorClass: 'auth', keyFingerprint: 'sha256:0123456789ab', untilMs: undefined, failures: 1, status: 401, detail: 'HTTP 429 rate_limit_error: slow', updatedAtMs: 100 });
  assert.deepEqual(providerStates.list().map((r) => r.providerId), ['a', 'b']);

  providerStates.upsert(row('b', { failures: 3, untilMs: 99_000, status: undefined }));
  assert.equal(providerStates.get('b')?.failures, 3);
  assert.equal(providerStates.get('b')?.untilMs, 99_000);
  assert.equal(providerStates.get('b')?.status, undefined);

  assert.equal(providerStates.delete('b'), true);
  assert.equal(providerStates.delete('b'), false);
  assert.deepEqual(providerStates.list().map((r) => r.providerId), ['a']);
});

test('provider states: deleteAll returns the ids it removed', (t) => {
  const { providerStates } = tempStore(t);
  assert.deepEqual(providerStates.deleteAll(), []);
  providerStates.upsert(row('z'));
  providerStates.upsert(row('m'));
  assert.deepEqual(providerStates.deleteAll(), ['m', 'z']);
  assert.deepEqual(providerStates.list(), []);
});
