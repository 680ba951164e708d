import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TokenRecord } from './device-tokens.js';
import { deviceRecord as device, tempStore } from '../../test/helpers/temp-store.js';

test('device tokens: round trip, awaiting delivery has no hash, upsert replaces', (t) => {
  const store = tempStore(t);
  store.devices.upsert(device('d1', { roles: ['operator', 'node'] }));
  const issued: TokenRecord = { deviceId: 'd1', role: 'operator', tokenHash: undefined, scopes: ['operator.read'], createdAtMs: 10 };
  store.tokens.put(issued);
  assert.deepEqual(store.tokens.get('d1', 'operator'), {
    ...issued,
    rotatedAtMs: undefined,
    revokedAtMs: undefined,
    confirmedAtMs: undefined,
    lastUsedAtMs: undefined,
    needsProof: undefined,
  });
  const delivered: TokenRecord = { deviceId: 'd1', role: 'operator', tokenHash: 'ab'.repeat(32), scopes: ['operator.read', 'operator.write'], createdAtMs: 10, rotatedAtMs: 20, revokedAtMs: undefined, confirmedAtMs: undefined, lastUsedAtMs: 20, needsProof: true };
  store.tokens.put(delivered);
  assert.deepEqual(store.tokens.get('d1', 'operator'), delivered);
  store.tokens.put({ deviceId: 'd1', role: 'node', tokenHash: undefined, scopes: [], createdAtMs: 30 });
  assert.deepEqual(store.tokens.forDevice('d1').map((r) => r.role), ['node', 'operator']);
  assert.equal(store.tokens.get('d1', 'missing'), undefined);
});

test('device tokens: markUsed confirms once and updates last use every time', (t) => {
  const store = tempStore(t);
  store.devices.upsert(device('d1'));
  store.tokens.put({ deviceId: 'd1', role: 'operator', tokenHash: 'cd'.repeat(32), scopes: [], createdAtMs: 1 });
  store.tokens.markUsed('d1', 'operator', 100);
  store.tokens.markUsed('d1', 'operator', 200);
  const t1 = store.tokens.get('d1', 'operator')!;
  assert.equal(t1.confirmedAtMs, 100);
  assert.equal(t1.lastUsedAtMs, 200);
});

test('device tokens: belong to a device (foreign key) and go with it', (t) => {
  const store = tempStore(t);
  assert.throws(() => store.tokens.put({ deviceId: 'ghost', role: 'operator', tokenHash: undefined, scopes: [], createdAtMs: 1 }), /FOREIGN KEY/);
  store.devices.upsert(device('d1'));
  store.tokens.put({ deviceId: 'd1', role: 'operator', tokenHash: undefined, scopes: [], createdAtMs: 1 });
  store.devices.delete('d1');
  assert.deepEqual(store.tokens.forDevice('d1'), []);
});
