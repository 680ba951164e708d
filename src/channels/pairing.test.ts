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
  assert.equal(rejectPairingCode(store, 'telegram', fresh.request.code, 'cli-local', 5001).senderId, '8');
  assert.equal(store.channelPairing.isAllowed('telegram', '8'), false);
  assert.throws(() => rejectPairingCode(store, 'telegram', fresh.request.code, 'cli-local', 5002), (e: unknown) => e instanceof ClawgateError && e.code === 'UNKNOWN_PAIRING_CODE');
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
  assert.equal(revokeSender(store, 'telegram', '@alice', 'cli-local', 3000).senderId, '42');
  assert.equal(store.channelPairing.isAllowed('telegram', '42'), false);
  assert.equal(store.channelPairing.isAllowed('telegram', '43'), true, 'only the named sender');
  assert.equal(requestPairingCode(store, { ...sender('42'), senderName: '@Alice' }, 3000).kind, 'issued');
  assert.equal(revokeSender(store, 'telegram', ' 43 ', 'cli-local', 3000).senderName, 'Bob Smith');
  for (const unknown of ['42', '@alice', '@bob', '999']) {
    assert.throws(() => revokeSender(store, 'telegram', unknown, 'cli-local', 3000), (e: unknown) => e instanceof ClawgateError && e.code === 'UNKNOWN_CHANNEL_SENDER', unknown);
  }
});

test('each decision writes one audit row in its transaction: kind, actor, channel and sender (issued codes only)', (t) => {
  const store = tempStore(t);
  const kinds = () => store.audit.after(0).map((e) => [e.kind, e.actor, e.detail?.['channel'], e.detail?.['senderId']]);
  const r = requestPairingCode(store, sender('1'), 1000);
  if (r.kind !== 'issued') return assert.fail(r.kind);
  requestPairingCode(store, sender('1'), 1001);
  assert.deepEqual(kinds(), [['channel.pairing.requested', 'gateway', 'telegram', '1']], 'the same code again is no new request');
  assert.deepEqual(store.audit.after(0)[0]!.detail, { channel: 'telegram', senderId: '1', senderName: 'user 1', chatId: '1', code: r.request.code, expiresAtMs: 1000 + HOUR });
  approvePairingCode(store, 'telegram', r.request.code, 'rpc:abcd1234', 2000);
  const r2 = requestPairingCode(store, sender('2'), 2000);
  if (r2.kind !== 'issued') return assert.fail(r2.kind);
  rejectPairingCode(store, 'telegram', r2.request.code, 'cli-local', 3000);
  revokeSender(store, 'telegram', '1', 'cli-local', 4000);
  assert.deepEqual(kinds(), [
    ['channel.pairing.requested', 'gateway', 'telegram', '1'],
    ['channel.pairing.approved', 'rpc:abcd1234', 'telegram', '1'],
    ['channel.pairing.requested', 'gateway', 'telegram', '2'],
    ['channel.pairing.rejected', 'cli-local', 'telegram', '2'],
    ['channel.sender.revoked', 'cli-local', 'telegram', '1'],
  ]);
  const approved = store.audit.ofKind('channel.pairing.approved')[0]!;
  assert.equal(approved.tsMs, 2000);
  assert.equal(approved.detail?.['chatId'], '1', 'the approval row says where to tell the sender');
  assert.equal(store.audit.ofKind('channel.sender.revoked')[0]!.tsMs, 4000);
});

test('a failed decision writes no audit row; a failing audit append undoes the decision', (t) => {
  const store = tempStore(t);
  const r = requestPairingCode(store, sender('5'), 1000);
  if (r.kind !== 'issued') return assert.fail(r.kind);
  const before = store.audit.lastId();
  assert.throws(() => approvePairingCode(store, 'telegram', 'ZZZZZZZZ', 'cli-local', 2000), (e: unknown) => e instanceof ClawgateError && e.code === 'UNKNOWN_PAIRING_CODE');
  assert.throws(() => revokeSender(store, 'telegram', '5', 'cli-local', 2000), (e: unknown) => e instanceof ClawgateError && e.code === 'UNKNOWN_CHANNEL_SENDER');
  assert.equal(store.audit.lastId(), before);
  // The audit append is the last step of the transaction: when it fails, the approval does not stand.
  store.db.exec(`CREATE TRIGGER no_audit BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit refused'); END`);
  assert.throws(() => approvePairingCode(store, 'telegram', r.request.code, 'cli-local', 2000), /audit refused/);
  assert.equal(store.channelPairing.isAllowed('telegram', '5'), false);
  assert.equal(store.channelPairing.byCode('telegram', r.request.code)?.senderId, '5', 'the code is still pending');
});
