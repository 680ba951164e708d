import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempStore } from '../../test/helpers/temp-store.js';
import { Store } from '../store/store.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { approvePairingCode, newPairingCode, normalizePairingCode, PAIRING_CODE_ALPHABET, rejectPairingCode, requestPairingCode, revokeSender } from './pairing.js';

const sender = (id: string) => ({ channel: 'telegram', senderId: id, senderName: `user ${id}`, chatId: id });
const HOUR = 60 * 60_000;

test('codes are 8 characters of an alphabet without look-alikes', () => {
  assert.equal(PAIRING_CODE_ALPHABET.match(/[ILO01]/g), null);
  const seen = new Set<string>();
  for (let i = 0; i < 500; i++) {
    const code = newPairingCode();
    assert.match(code, new RegExp(`^[${PAIRING_CODE_ALPHABET}]{8}$`));
    seen.add(code);
  }
  assert.ok(seen.size > 490, 'crypto-random codes do not repeat');
  assert.equal(normalizePairingCode(' abcd-efgh '), 'ABCDEFGH');
  assert.equal(normalizePairingCode('ABCDEFG0'), undefined);
});

test('a sender gets one code valid for an hour, the same again while valid, a new one after expiry', (t) => {
  const store = tempStore(t);
  const first = requestPairingCode(store, sender('1'), 1000);
  assert.equal(first.kind, 'issued');
  if (first.kind !== 'issued') return;
  assert.equal(first.request.expiresAtMs, 1000 + HOUR);
  const again = requestPairingCode(store, sender('1'), 1000 + HOUR - 1);
  assert.deepEqual(again, { kind: 'existing', request: first.request });
  const later = requestPairingCode(store, sender('1'), 1000 + HOUR);
  assert.equal(later.kind, 'issued');
});

test('at most 3 codes wait per channel: the 4th sender gets none; an expired one frees a place', (t) => {
  const store = tempStore(t);
  for (const id of ['1', '2', '3']) assert.equal(requestPairingCode(store, sender(id), 1000).kind, 'issued');
  assert.deepEqual(requestPairingCode(store, sender('4'), 2000), { kind: 'full', pending: 3 });
  assert.equal(requestPairingCode(store, { ...sender('4'), channel: 'other' }, 2000).kind, 'issued', 'the limit is per channel');
  assert.equal(requestPairingCode(store, sender('4'), 1000 + HOUR).kind, 'issued');
});

test('approve makes the sender allowed and uses the code up; approvals stay in state.db across reopen', (t) => {
  const store = tempStore(t);
  const r = requestPairingCode(store, sender('42'), 1000);
  assert.equal(r.kind, 'issued');
  if (r.kind !== 'issued') return;
  const { sender: allowed } = approvePairingCode(store, 'telegram', r.request.code.toLowerCase(), 'cli-local', 2000);
  assert.deepEqual(allowed, { channel: 'telegram', senderId: '42', senderName: 'user 42', approvedAtMs: 2000, approvedBy: 'cli-local' });
  assert.equal(store.channelPairing.isAllowed('telegram', '42'), true);
  assert.equal(requestPairingCode(store, sender('42'), 3000).kind, 'allowed');
  assert.throws(() => approvePairingCode(store, 'telegram', r.request.code, 'cli-local', 3000), (e: unknown) => e instanceof ClawgateError && e.code === 'UNKNOWN_PAIRING_CODE');
  const path = store.db.name;
  store.close();
  const reopened = Store.open(path);
  t.after(() => reopened.close());
  assert.equal(reopened.channelPairing.isAllowed('telegram', '42'), true);
});

test('an expired or unknown code cannot be approved; reject removes a code', (t) => {
  const store = tempStore(t);
  const r = requestPairingCode(store, sender('7'), 1000);
  if (r.kind !== 'issued') return assert.fail(r.kind);
  assert.throws(() => approvePairingCode(store, 'telegram', r.request.code, 'x', 1000 + HOUR), /expired/);
  const fresh = requestPairingCode(store, sender('8'), 5000);
  if (fresh.kind !== 'issued') return assert.fail(fresh.kind);
  assert.equal(rejectPairingCode(store, 'telegram', fresh.request.code, 5001).senderId, '8');
  assert.equal(store.channelPairing.isAllowed('telegram', '8'), false);
  assert.throws(() => rejectPairingCode(store, 'telegram', fresh.request.code, 5002), (e: unknown) => e instanceof ClawgateError && e.code === 'UNKNOWN_PAIRING_CODE');
  assert.throws(() => approvePairingCode(store, 'telegram', 'nope', 'x', 5002), /not a pairing code/);
});

test('revoke takes an approval back, by user id or @username in any case; the sender then gets a new code', (t) => {
  const store = tempStore(t);
  const approve = (id: string, name: string) => {
    const r = requestPairingCode(store, { ...sender(id), senderName: name }, 1000);
    if (r.kind !== 'issued') return assert.fail(r.kind);
    approvePairingCode(store, 'telegram', r.request.code, 'cli-local', 2000);
  };
  approve('42', '@Alice');
  approve('43', 'Bob Smith');
  assert.equal(revokeSender(store, 'telegram', '@alice').senderId, '42');
  assert.equal(store.channelPairing.isAllowed('telegram', '42'), false);
  assert.equal(store.channelPairing.isAllowed('telegram', '43'), true, 'only the named sender');
  assert.equal(requestPairingCode(store, { ...sender('42'), senderName: '@Alice' }, 3000).kind, 'issued');
  assert.equal(revokeSender(store, 'telegram', ' 43 ').senderName, 'Bob Smith');
  for (const unknown of ['42', '@alice', '@bob', '999']) {
    assert.throws(() => revokeSender(store, 'telegram', unknown), (e: unknown) => e instanceof ClawgateError && e.code === 'UNKNOWN_CHANNEL_SENDER', unknown);
  }
});
