import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deviceRecord as device, tempStore } from '../../test/helpers/temp-store.js';

test('devices: a full record round-trips; absent optionals read back as undefined', (t) => {
  const store = tempStore(t);
  const full = device('a1', {
    displayName: 'Laptop',
    platform: 'linux',
    deviceFamily: 'desktop',
    clientId: 'cli',
    clientMode: 'cli',
    roles: ['operator', 'node'],
    approvedScopes: ['operator.admin', 'operator.read'],
    remoteIp: '10.0.0.2',
    lastSeenAtMs: 300,
  });
  store.devices.upsert(full);
  assert.deepEqual(store.devices.get('a1'), full);
  store.devices.upsert(device('b2'));
  const bare = store.devices.get('b2')!;
  for (const key of ['displayName', 'platform', 'deviceFamily', 'clientId', 'clientMode', 'remoteIp', 'lastSeenAtMs'] as const) {
    assert.ok(key in bare && bare[key] === undefined, `${key} is undefined, not null`);
  }
  assert.equal(store.devices.get('nope'), undefined);
  assert.equal(store.devices.count(), 2);
});

test('devices: upsert replaces, list is newest approval first, touch keeps a known ip, delete reports', (t) => {
  const store = tempStore(t);
  store.devices.upsert(device('old', { approvedAtMs: 10 }));
  store.devices.upsert(device('new', { approvedAtMs: 20 }));
  store.devices.upsert(device('old', { approvedAtMs: 10, approvedScopes: ['operator.write'] }));
  assert.deepEqual(store.devices.list().map((d) => d.deviceId), ['new', 'old']);
  assert.deepEqual(store.devices.get('old')?.approvedScopes, ['operator.write']);

  store.devices.touch('old', 555, '192.168.1.5');
  store.devices.touch('old', 666, undefined);
  assert.equal(store.devices.get('old')?.lastSeenAtMs, 666);
  assert.equal(store.devices.get('old')?.remoteIp, '192.168.1.5', 'a local touch keeps the last remote ip');

  assert.equal(store.devices.delete('old'), true);
  assert.equal(store.devices.delete('old'), false);
  assert.equal(store.devices.count(), 1);
});

test('devices: idsWithPrefix treats % and _ literally and returns at most two', (t) => {
  const store = tempStore(t);
  for (const id of ['ab%cd', 'ab_cd', 'abXcd', 'abYcd', 'a\\bc']) store.devices.upsert(device(id));
  assert.deepEqual(store.devices.idsWithPrefix('ab%'), ['ab%cd']);
  assert.deepEqual(store.devices.idsWithPrefix('ab_'), ['ab_cd']);
  assert.deepEqual(store.devices.idsWithPrefix('%'), []);
  assert.deepEqual(store.devices.idsWithPrefix('_'), []);
  assert.deepEqual(store.devices.idsWithPrefix('a\\'), ['a\\bc']);
  assert.deepEqual(store.devices.idsWithPrefix('abX'), ['abXcd']);
  assert.equal(store.devices.idsWithPrefix('ab').length, 2, 'ambiguous prefixes stop at two');
  assert.deepEqual(store.devices.idsWithPrefix('zz'), []);
});
