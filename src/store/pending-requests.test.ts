import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PendingRecord } from './pending-requests.js';
import { tempStore } from '../../test/helpers/temp-store.js';

function pending(requestId: string, deviceId: string, over: Partial<PendingRecord> = {}): PendingRecord {
  return {
    requestId,
    deviceId,
    publicKey: `pk-${deviceId}`,
    role: 'operator',
    roles: ['operator'],
    scopes: ['operator.read'],
    reason: 'not-paired',
    isRepair: false,
    firstSeenAtMs: 1_000,
    lastSeenAtMs: 1_000,
    expiresAtMs: 2_000,
    ...over,
  };
}

test('pending requests: round trip, lookups by id and by device', (t) => {
  const store = tempStore(t);
  const full = pending('req-1', 'dev-1', {
    displayName: 'Phone',
    platform: 'ios',
    deviceFamily: 'iPhone',
    clientId: 'app',
    clientMode: 'ui',
    roles: ['node', 'operator'],
    scopes: ['operator.admin'],
    reason: 'scope-upgrade',
    remoteIp: '10.1.1.1',
    isRepair: true,
  });
  store.pending.put(full);
  assert.deepEqual(store.pending.get('req-1', 1_500), full);
  assert.deepEqual(store.pending.forDevice('dev-1', 1_500), full);
  assert.equal(store.pending.get('req-2', 1_500), undefined);
  assert.equal(store.pending.count(1_500), 1);
  assert.throws(() => store.pending.put(pending('req-2', 'dev-1')), /UNIQUE/, 'one request per device');
});

test('pending requests: upsert keeps the first-seen time and moves expiry; list is most recently seen first', (t) => {
  const store = tempStore(t);
  store.pending.put(pending('r-a', 'dev-a', { lastSeenAtMs: 1_000 }));
  store.pending.put(pending('r-b', 'dev-b', { lastSeenAtMs: 1_100 }));
  store.pending.put(pending('r-a', 'dev-a', { firstSeenAtMs: 9_999, lastSeenAtMs: 1_200, expiresAtMs: 5_000, scopes: ['operator.write'] }));
  const a = store.pending.get('r-a', 1_300)!;
  assert.equal(a.firstSeenAtMs, 1_000, 'first seen is kept on conflict');
  assert.equal(a.expiresAtMs, 5_000);
  assert.deepEqual(a.scopes, ['operator.write']);
  assert.deepEqual(store.pending.list(1_300).map((p) => p.requestId), ['r-a', 'r-b']);
  assert.equal(store.pending.delete('r-a'), true);
  assert.equal(store.pending.delete('r-a'), false);
});

test('pending requests: expired rows are invisible to every reader and pruned by pruneExpired', (t) => {
  const store = tempStore(t);
  store.pending.put(pending('live-1', 'dev-live', { expiresAtMs: 3_000 }));
  store.pending.put(pending('dead-1', 'dev-dead', { expiresAtMs: 2_000 }));
  const now = 2_000; // expiry is exclusive: a row expiring now is gone
  assert.equal(store.pending.get('dead-1', now), undefined);
  assert.equal(store.pending.forDevice('dev-dead', now), undefined);
  assert.deepEqual(store.pending.list(now).map((p) => p.requestId), ['live-1']);
  assert.equal(store.pending.count(now), 1);
  assert.deepEqual(store.pending.idsWithPrefix('dead', now), []);
  assert.ok(store.pending.get('dead-1', now - 1), 'visible one millisecond earlier');

  const pruned = store.pending.pruneExpired(now);
  assert.deepEqual(pruned.map((p) => p.requestId), ['dead-1']);
  assert.deepEqual(store.pending.pruneExpired(now), [], 'nothing left to prune');
  assert.equal(store.pending.get('dead-1', 0), undefined, 'the row itself is deleted');
  assert.ok(store.pending.get('live-1', now));
});

test('pending requests: idsWithPrefix treats % and _ literally', (t) => {
  const store = tempStore(t);
  store.pending.put(pending('r%1', 'd1'));
  store.pending.put(pending('r_1', 'd2'));
  store.pending.put(pending('rx1', 'd3'));
  assert.deepEqual(store.pending.idsWithPrefix('r%', 1_500), ['r%1']);
  assert.deepEqual(store.pending.idsWithPrefix('r_', 1_500), ['r_1']);
  assert.deepEqual(store.pending.idsWithPrefix('%', 1_500), []);
  assert.equal(store.pending.idsWithPrefix('r', 1_500).length, 2);
});
