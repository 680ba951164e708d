import { test } from 'node:test';
import assert from 'node:assert/strict';
import { telegramSettings, type TelegramConfig } from './config.js';
import { decideInbound, type InboundMessage } from './inbound.js';

const dm = (over: Partial<InboundMessage> = {}): InboundMessage => ({ chatId: 5, chatType: 'private', senderId: 5, senderUsername: 'Bob', senderName: '@Bob', text: 'hi', messageId: 1, ...over });
const group = (text: string, chatId = -100): InboundMessage => dm({ chatId, chatType: 'supergroup', text });
const decide = (cfg: TelegramConfig, msg: InboundMessage, approved = false) => decideInbound(telegramSettings(cfg), msg, approved, 'main', 'my_bot');

test('dmPolicy pairing (default): approved or allowFrom senders run in their DM session, others pair', () => {
  assert.deepEqual(decide({}, dm()), { kind: 'pair' });
  assert.deepEqual(decide({}, dm(), true), { kind: 'run', sessionKey: 'agent:main:telegram:dm:5', text: 'hi' });
  assert.equal(decide({ allowFrom: ['@bob'] }, dm()).kind, 'run');
  assert.equal(decide({ allowFrom: [5] }, dm()).kind, 'run');
});

test('dmPolicy allowlist ignores strangers, open runs everyone, disabled ignores all', () => {
  assert.equal(decide({ dmPolicy: 'allowlist' }, dm()).kind, 'ignore');
  assert.equal(decide({ dmPolicy: 'allowlist' }, dm(), true).kind, 'run');
  assert.equal(decide({ dmPolicy: 'open' }, dm()).kind, 'run');
  assert.equal(decide({ dmPolicy: 'disabled' }, dm(), true).kind, 'ignore');
});

test('groups: off by default; allowlist by id; a mention is required unless turned off, and is stripped', () => {
  assert.equal(decide({}, group('@my_bot hi')).kind, 'ignore');
  assert.equal(decide({ groups: { policy: 'open' } }, group('hi')).kind, 'ignore');
  assert.deepEqual(decide({ groups: { policy: 'open' } }, group('hey @My_Bot what now')), { kind: 'run', sessionKey: 'agent:main:telegram:group:-100', text: 'hey what now' });
  assert.equal(decide({ groups: { policy: 'open', requireMention: false } }, group('hi')).kind, 'run');
  assert.equal(decide({ groups: { policy: 'allowlist', allow: ['-100'] } }, group('@my_bot x')).kind, 'run');
  assert.equal(decide({ groups: { policy: 'allowlist', allow: ['-100'] } }, group('@my_bot x', -200)).kind, 'ignore');
  assert.equal(decide({ groups: { policy: 'open' } }, group('@my_bot_other x')).kind, 'ignore');
});
