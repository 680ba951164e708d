import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempStore } from '../../test/helpers/temp-store.js';
import { Store } from './store.js';

const request = (code: string, senderId: string, over: Partial<{ channel: string; senderName: string; chatId: string; createdAtMs: number; expiresAtMs: number }> = {}) => ({
  channel: 'telegram',
  code,
  senderId,
  chatId: senderId,
  createdAtMs: 1000,
  expiresAtMs: 5000,
  ...over,
});

test('a pending code is found by code and by sender; a missing name reads back as undefined', (t) => {
  const store = tempStore(t);
  store.channelPairing.insert(request('AAAA2222', '42', { senderName: '@bob' }));
  store.channelPairing.insert(request('BBBB3333', '43'));
  assert.deepEqual(store.channelPairing.byCode('telegram', 'AAAA2222'), {
    channel: 'telegram',
    code: 'AAAA2222',
    senderId: '42',
    senderName: '@bob',
    chatId: '42',
    createdAtMs: 1000,
    expiresAtMs: 5000,
  });
  assert.equal(store.channelPairing.bySender('telegram', '43')?.code, 'BBBB3333');
  assert.equal(store.channelPairing.bySender('telegram', '43')?.senderName, undefined);
  assert.equal(store.channelPairing.byCode('discord', 'AAAA2222'), undefined, 'codes belong to one channel');
  assert.equal(store.channelPairing.bySender('telegram', '99'), undefined);
});

test('one code per sender and codes unique per channel: a second insert is refused by the schema', (t) => {
  const store = tempStore(t);
  store.channelPairing.insert(request('AAAA2222', '42'));
  assert.throws(() => store.channelPairing.insert(request('CCCC4444', '42')), { code: 'SQLITE_CONSTRAINT_UNIQUE' });
  assert.throws(() => store.channelPairing.insert(request('AAAA2222', '77')), { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
  store.channelPairing.insert(request('AAAA2222', '42', { channel: 'discord' }));
  assert.equal(store.channelPairing.pending(undefined, 0).length, 2, 'the same code and sender on another channel is another request');
});

test('pending lists codes still valid at the given time, oldest first, per channel or for all', (t) => {
  const store = tempStore(t);
  store.channelPairing.insert(request('LATE2222', '2', { createdAtMs: 3000, expiresAtMs: 9000 }));
  store.channelPairing.insert(request('EARLY222', '1', { createdAtMs: 2000, expiresAtMs: 4000 }));
  store.channelPairing.insert(request('OTHER222', '3', { channel: 'discord', createdAtMs: 1000, expiresAtMs: 9000 }));
  const codes = (channel: string | undefined, now: number) => store.channelPairing.pending(channel, now).map((r) => r.code);
  assert.deepEqual(codes('telegram', 0), ['EARLY222', 'LATE2222']);
  assert.deepEqual(codes('telegram', 4000), ['LATE2222'], 'a code is no longer valid at its expiry time');
  assert.deepEqual(codes(undefined, 0), ['OTHER222', 'EARLY222', 'LATE2222'], 'all channels: by channel, then age');
  assert.deepEqual(codes('telegram', 9000), []);
});

test('expire deletes the codes whose time ran out and says how many; an expired code is still readable until then', (t) => {
  const store = tempStore(t);
  store.channelPairing.insert(request('GONE2222', '1', { expiresAtMs: 2000 }));
  store.channelPairing.insert(request('KEEP2222', '2', { expiresAtMs: 8000 }));
  assert.equal(store.channelPairing.byCode('telegram', 'GONE2222')?.senderId, '1', 'byCode returns expired codes: the caller decides');
  assert.equal(store.channelPairing.expire(2000), 1);
  assert.equal(store.channelPairing.byCode('telegram', 'GONE2222'), undefined);
  assert.equal(store.channelPairing.bySender('telegram', '1'), undefined, 'the sender may get a new code');
  assert.equal(store.channelPairing.expire(2000), 0);
  assert.deepEqual(store.channelPairing.pending('telegram', 0).map((r) => r.code), ['KEEP2222']);
});

test('deleteCode removes one request and says whether there was one', (t) => {
  const store = tempStore(t);
  store.channelPairing.insert(request('AAAA2222', '42'));
  assert.equal(store.channelPairing.deleteCode('discord', 'AAAA2222'), false);
  assert.equal(store.channelPairing.deleteCode('telegram', 'AAAA2222'), true);
  assert.equal(store.channelPairing.deleteCode('telegram', 'AAAA2222'), false);
  assert.deepEqual(store.channelPairing.pending(undefined, 0), []);
});

test('allow records a sender once per channel; approving again updates name, time and approver', (t) => {
  const store = tempStore(t);
  store.channelPairing.allow({ channel: 'telegram', senderId: '42', senderName: '@bob', approvedAtMs: 100, approvedBy: 'cli' });
  store.channelPairing.allow({ channel: 'telegram', senderId: '7', approvedAtMs: 200, approvedBy: 'code AAAA2222' });
  assert.equal(store.channelPairing.isAllowed('telegram', '42'), true);
  assert.equal(store.channelPairing.isAllowed('discord', '42'), false, 'an approval holds on its own channel only');
  assert.equal(store.channelPairing.isAllowed('telegram', '8'), false);
  store.channelPairing.allow({ channel: 'telegram', senderId: '42', approvedAtMs: 300, approvedBy: 'rpc' });
  assert.deepEqual(store.channelPairing.allowed('telegram'), [
    { channel: 'telegram', senderId: '7', senderName: undefined, approvedAtMs: 200, approvedBy: 'code AAAA2222' },
    { channel: 'telegram', senderId: '42', senderName: undefined, approvedAtMs: 300, approvedBy: 'rpc' },
  ]);
});

test('allowed lists by channel then approval time; disallow removes one sender and says whether it was there', (t) => {
  const store = tempStore(t);
  store.channelPairing.allow({ channel: 'telegram', senderId: '1', approvedAtMs: 20, approvedBy: 'cli' });
  store.channelPairing.allow({ channel: 'discord', senderId: '1', approvedAtMs: 30, approvedBy: 'cli' });
  store.channelPairing.allow({ channel: 'telegram', senderId: '2', approvedAtMs: 10, approvedBy: 'cli' });
  assert.deepEqual(store.channelPairing.allowed(undefined).map((s) => `${s.channel}:${s.senderId}`), ['discord:1', 'telegram:2', 'telegram:1']);
  assert.equal(store.channelPairing.disallow('telegram', '1'), true);
  assert.equal(store.channelPairing.disallow('telegram', '1'), false);
  assert.equal(store.channelPairing.isAllowed('telegram', '1'), false);
  assert.equal(store.channelPairing.isAllowed('discord', '1'), true);
});

test('requests and approvals are in state.db: a reopened store still has them', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-pairing-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const first = Store.open(join(dir, 'state.db'));
  first.write(() => {
    first.channelPairing.insert(request('AAAA2222', '42'));
    first.channelPairing.allow({ channel: 'telegram', senderId: '7', approvedAtMs: 1, approvedBy: 'cli' });
  });
  first.close();
  const again = Store.open(join(dir, 'state.db'));
  t.after(() => again.close());
  assert.equal(again.channelPairing.byCode('telegram', 'AAAA2222')?.senderId, '42');
  assert.equal(again.channelPairing.isAllowed('telegram', '7'), true);
});
