import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempStore } from '../../test/helpers/temp-store.js';
import { announceTarget } from './last-route.js';

test('announce target: an explicit channel and chat; "last" is the most recent DM session of the agent; none yet is CHANNEL_UNAVAILABLE', (t) => {
  const store = tempStore(t);
  assert.deepEqual(announceTarget(store, 'main', { channel: 'telegram', to: '42' }), { channel: 'telegram', to: '42' });
  assert.throws(() => announceTarget(store, 'main', { channel: 'last' }), { code: 'CHANNEL_UNAVAILABLE' });
  store.write(() => {
    store.sessions.ensure({ key: 'agent:main:telegram:dm:111', agentId: 'main', kind: 'other' }, 1000);
    store.sessions.ensure({ key: 'agent:main:telegram:dm:222', agentId: 'main', kind: 'other' }, 2000);
    store.sessions.ensure({ key: 'agent:main:main', agentId: 'main', kind: 'main' }, 3000);
    store.sessions.ensure({ key: 'agent:ops:telegram:dm:999', agentId: 'ops', kind: 'other' }, 4000);
  });
  assert.deepEqual(announceTarget(store, 'main', { channel: 'last' }), { channel: 'telegram', to: '222' });
  assert.deepEqual(announceTarget(store, 'main', {}), { channel: 'telegram', to: '222' });
  store.write(() => store.sessions.touch('agent:main:telegram:dm:111', 5000));
  assert.deepEqual(announceTarget(store, 'main', { channel: 'last' }), { channel: 'telegram', to: '111' });
  assert.deepEqual(announceTarget(store, 'ops', { channel: 'telegram' }), { channel: 'telegram', to: '999' });
});
