import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Config } from '../config/schema.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { tempStore } from '../../test/helpers/temp-store.js';
import { toolBench } from '../../test/helpers/tool-call.js';
import { channelMessagePort, isApprovedTarget } from './message-targets.js';
import { approvePairingCode, requestPairingCode, revokeSender } from './pairing.js';

const CONFIG = { channels: { telegram: { botToken: '123:abc', allowFrom: [111, '@Owner_Name'], approvers: ['222'] } } } as Config;

test('approved targets: ids and @names in allowFrom or approvers, and senders approved through DM pairing (until revoked)', (t) => {
  const store = tempStore(t);
  const deps = { store, config: CONFIG };
  const ok = (to: string, channel = 'telegram') => isApprovedTarget(deps, { channel, to });
  assert.equal(ok('111'), true);
  assert.equal(ok(' 111 '), true);
  assert.equal(ok('@owner_name'), true);
  assert.equal(ok('222'), true, 'an approver');
  assert.equal(ok('333'), false);
  assert.equal(ok('111', 'slack'), false, 'another channel');
  assert.equal(ok(''), false);
  const outcome = requestPairingCode(store, { channel: 'telegram', senderId: '333', chatId: '333' }, Date.now());
  assert.equal(ok('333'), false, 'a pending code is not an approval');
  assert.ok(outcome.kind === 'issued');
  approvePairingCode(store, 'telegram', outcome.request.code, 'cli-local', Date.now());
  assert.equal(ok('333'), true, 'approved through pairing, read from the store at once');
  revokeSender(store, 'telegram', '333', 'cli-local', Date.now());
  assert.equal(ok('333'), false, 'revoked');
  assert.equal(isApprovedTarget({ store, config: undefined }, { channel: 'telegram', to: '111' }), false, 'no config: only paired senders');
});

test('the message tool sends to an approved chat and refuses any other, naming how the owner approves it', async (t) => {
  const store = tempStore(t);
  const sent: Array<[string, string, string]> = [];
  const messages = channelMessagePort({ store, config: CONFIG, deliver: async (target, text) => void sent.push([target.channel, target.to, text]) });
  const b = toolBench(t, { messages });
  const ok = await b.call('message', { to: '111', text: 'the build is green' });
  assert.deepEqual(ok.result, { status: 'sent', channel: 'telegram', to: '111', chars: 18 });
  const refused = await b.call('message', { channel: 'telegram', to: '999', text: 'hello stranger' });
  assert.equal(refused.isError, true);
  assert.match(refused.text, /telegram chat \\"999\\" is not a target the owner approved, so nothing was sent/);
  assert.match(refused.text, /clawgate pairing approve telegram <code>/);
  assert.match(refused.text, /clawgate config set channels\.telegram\.allowFrom/);
  const otherChannel = await b.call('message', { channel: 'slack', to: '111', text: 'x' });
  assert.equal(otherChannel.isError, true, 'only telegram is a channel');
  const tooLong = await b.call('message', { to: '111', text: 'x'.repeat(100_000) });
  assert.equal(tooLong.isError, true, 'text is capped');
  assert.deepEqual(sent, [['telegram', '111', 'the build is green']]);
});

test('a delivery failure reaches the model as the channel\'s error', async (t) => {
  const store = tempStore(t);
  const messages = channelMessagePort({ store, config: CONFIG, deliver: () => Promise.reject(new ClawgateError('CHANNEL_UNAVAILABLE', 'cannot deliver to telegram: the channel is not configured (see docs/telegram.md)')) });
  const r = await toolBench(t, { messages }).call('message', { to: '111', text: 'hi' });
  assert.equal(r.isError, true);
  assert.match(r.text, /the channel is not configured/);
});
