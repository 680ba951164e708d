import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { lastUserText } from '../../../test/helpers/fake-model-server.js';
import { startFakeTelegram, type FakeTelegram } from '../../../test/helpers/fake-telegram.js';
import { runtimeHarness, type RuntimeHarness } from '../../../test/helpers/runtime-harness.js';
import { PAIRING_CODE_ALPHABET } from '../pairing.js';
import { STRANGER_REPLIES_PER_WINDOW, STRANGER_REPLY_WINDOW_MS } from '../reply-budget.js';
import { PAIRING_REPLIES_PER_WINDOW } from '../reply-limiter.js';
import { TelegramChannel } from './channel.js';
import { telegramSettings, type TelegramConfig } from './config.js';
import { acquirePollerLock } from './poller-lock.js';
import { resolveBotToken } from './token.js';

const CODE_RE = new RegExp(`Your pairing code: ([${PAIRING_CODE_ALPHABET}]{8})\\b`);

interface Setup {
  readonly tg: FakeTelegram;
  readonly h: RuntimeHarness;
  readonly channel: TelegramChannel;
  readonly lockDir: string;
  readonly token: ReturnType<typeof resolveBotToken>;
}

/** A channel on the fake Bot API with a real runtime (echo model) and store; started unless told not to. */
async function setup(t: TestContext, cfg: TelegramConfig = {}, opts: { mode?: 'ok' | 'unauthorized'; noToken?: boolean; start?: boolean; log?: pino.Logger } = {}): Promise<Setup> {
  const tg = await startFakeTelegram(opts.mode ? { mode: opts.mode } : {});
  const h = await runtimeHarness(t, ({ body }) => ({ text: `echo: ${lastUserText(body)}` }));
  const dir = mkdtempSync(join(tmpdir(), 'cg-tgchan-'));
  const lockDir = join(dir, 'locks');
  const token = resolveBotToken(opts.noToken ? {} : { botToken: tg.token }, {}, dir);
  const channel = new TelegramChannel({
    settings: telegramSettings({ ...cfg, apiRoot: tg.apiRoot }),
    token,
    store: h.store,
    runtime: h.runtime,
    log: opts.log ?? pino({ level: 'silent' }),
    stateDir: join(dir, 'state'),
    lockDir,
  });
  t.after(async () => {
    await channel.close();
    await tg.close();
    rmSync(dir, { recursive: true, force: true });
  });
  if (opts.start !== false) channel.start();
  return { tg, h, channel, lockDir, token };
}

const running = (s: Setup) => s.tg.until(() => s.channel.status().state === 'running', 'the channel running');

test('a good token: getMe names the account, polling runs, status shows the token fingerprint but never the token', async (t) => {
  const s = await setup(t);
  await running(s);
  const status = s.channel.status();
  assert.equal(status.account, '@clawgate_test_bot');
  assert.equal(status.tokenSource, 'channels.telegram.botToken');
  assert.equal(status.tokenFingerprint, s.token.secret!.fingerprint);
  assert.equal(status.lastError, undefined);
  assert.ok(!JSON.stringify(status).includes(s.tg.token));
  assert.deepEqual([status.pendingPairings, status.allowedSenders], [0, 0]);
});

test('401 on getMe: the channel is failed with the fix, polling never starts, and the poller lock is released', async (t) => {
  const s = await setup(t, {}, { mode: 'unauthorized' });
  await s.tg.until(() => s.channel.status().state === 'failed', 'the channel failed');
  const status = s.channel.status();
  assert.match(status.lastError ?? '', /^the bot token was rejected by Telegram \(401 Unauthorized; token channels\.telegram\.botToken, /);
  assert.match(status.fix ?? '', /^the bot token was rejected: set a new one with clawgate config set channels\.telegram\.botToken/);
  assert.ok(!JSON.stringify(status).includes(s.tg.token), 'the token is not in status');
  assert.equal(s.tg.count('getMe'), 1, 'a 401 is not retried');
  assert.equal(s.tg.count('getUpdates'), 0);
  const again = acquirePollerLock(s.token.secret!, '/another/state/dir', s.lockDir);
  assert.equal(again.kind, 'held', 'another gateway may take the token now');
  if (again.kind === 'held') again.lock.release();
});

test('no token: failed at start with the owner\'s fix, and nothing is sent to Telegram', async (t) => {
  const s = await setup(t, {}, { noToken: true });
  const status = s.channel.status();
  assert.equal(status.state, 'failed');
  assert.equal(status.tokenSource, 'none');
  assert.equal(status.lastError, 'no bot token is configured');
  assert.match(status.fix ?? '', /@BotFather/);
  assert.equal(s.tg.calls.length, 0);
  await assert.rejects(s.channel.deliver('1', 'hi'), { code: 'CHANNEL_UNAVAILABLE' });
});

test('a second channel with the same bot token and lock dir is a named conflict and does not poll', async (t) => {
  const s = await setup(t);
  await running(s);
  const second = new TelegramChannel({
    settings: telegramSettings({ apiRoot: s.tg.apiRoot }),
    token: s.token,
    store: s.h.store,
    runtime: s.h.runtime,
    log: pino({ level: 'silent' }),
    stateDir: '/second/state/dir',
    lockDir: s.lockDir,
  });
  t.after(() => second.close());
  const getMeBefore = s.tg.count('getMe');
  second.start();
  const status = second.status();
  assert.equal(status.state, 'conflict');
  assert.match(status.lastError ?? '', new RegExp(`another gateway already polls this bot token \\(${s.token.secret!.fingerprint}\\): pid ${process.pid}, state dir `));
  assert.equal(s.tg.count('getMe'), getMeBefore, 'the second channel never called Telegram');
});

test('dmPolicy pairing: a stranger gets a code and nothing reaches the agent; once approved, the next message runs in the DM session', async (t) => {
  const s = await setup(t);
  await running(s);
  s.tg.pushText({ id: 111, username: 'alice' }, 'hello');
  const [codeMsg] = await s.tg.waitForMessages(111, 1);
  const code = CODE_RE.exec(codeMsg!.text)?.[1];
  assert.ok(code, codeMsg!.text);
  assert.ok(codeMsg!.text.includes(`clawgate pairing approve telegram ${code}`));
  assert.equal(s.h.store.channelPairing.byCode('telegram', code)?.chatId, '111');
  assert.equal(s.channel.status().pendingPairings, 1);
  assert.equal(s.h.fake.requests.length, 0, 'the model was not called for a stranger');

  s.h.store.write(() => {
    s.h.store.channelPairing.deleteCode('telegram', code);
    s.h.store.channelPairing.allow({ channel: 'telegram', senderId: '111', senderName: '@alice', approvedAtMs: Date.now(), approvedBy: 'test' });
  });
  s.tg.pushText({ id: 111, username: 'alice' }, 'now I may talk');
  const messages = await s.tg.waitForMessages(111, 2);
  assert.equal(messages[1]!.text, 'echo: now I may talk');
  assert.ok(s.h.runtime.sessions().some((x) => x.key === 'agent:main:telegram:dm:111'));
  assert.deepEqual([s.channel.status().pendingPairings, s.channel.status().allowedSenders], [0, 1]);
});

test('a stranger who keeps writing gets at most 3 pairing replies (the same code), then silence', async (t) => {
  const s = await setup(t);
  await running(s);
  s.h.store.channelPairing.allow({ channel: 'telegram', senderId: '999', approvedAtMs: 1, approvedBy: 'test' });
  for (let i = 0; i < 5; i++) s.tg.pushText({ id: 777 }, `let me in ${i}`);
  await s.tg.waitForMessages(777, PAIRING_REPLIES_PER_WINDOW);
  s.tg.pushText({ id: 999 }, 'sync');
  await s.tg.waitForMessages(999, 1);
  const replies = s.tg.messagesTo(777);
  assert.equal(replies.length, PAIRING_REPLIES_PER_WINDOW);
  assert.equal(new Set(replies.map((m) => CODE_RE.exec(m.text)?.[1])).size, 1, 'one code for one sender');
  assert.equal(s.h.fake.requests.length, 1, 'only the approved sender reached the model');
});

test('strangers as a group get a global reply budget: many distinct senders, replies stop at the budget, noted once in the log', async (t) => {
  const entries: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void entries.push(JSON.parse(line) as Record<string, unknown>) });
  const s = await setup(t, {}, { log });
  await running(s);
  s.h.store.channelPairing.allow({ channel: 'telegram', senderId: '999', approvedAtMs: 1, approvedBy: 'test' });
  const strangers = Array.from({ length: STRANGER_REPLIES_PER_WINDOW + 20 }, (_, i) => 10_000 + i);
  for (const id of strangers) s.tg.pushText({ id }, 'let me in');
  const answered = () => strangers.filter((id) => s.tg.messagesTo(id).length > 0);
  await s.tg.until(() => answered().length >= STRANGER_REPLIES_PER_WINDOW, `${STRANGER_REPLIES_PER_WINDOW} strangers answered`);
  // An approved sender is no stranger: still answered, and their reply marks that every message was handled.
  s.tg.pushText({ id: 999 }, 'sync');
  await s.tg.waitForMessages(999, 1);
  assert.equal(answered().length, STRANGER_REPLIES_PER_WINDOW, 'no stranger beyond the budget got a reply');
  assert.equal(strangers.reduce((n, id) => n + s.tg.messagesTo(id).length, 0), STRANGER_REPLIES_PER_WINDOW, 'one reply each');
  const notes = entries.filter((e) => typeof e['msg'] === 'string' && e['msg'].startsWith('telegram: replies to unknown senders paused'));
  assert.equal(notes.length, 1, 'the exhausted budget is logged once per window, not once per message');
  assert.deepEqual([notes[0]!['level'], notes[0]!['limit'], notes[0]!['windowMs']], [40, STRANGER_REPLIES_PER_WINDOW, STRANGER_REPLY_WINDOW_MS]);
  assert.equal(s.h.store.channelPairing.pending('telegram', Date.now()).length, 3, 'codes only for strangers who were answered (up to maxPending)');
});

test('dmPolicy allowlist: a stranger is ignored without a reply; a sender in allowFrom runs', async (t) => {
  const s = await setup(t, { dmPolicy: 'allowlist', allowFrom: ['@bob'] });
  await running(s);
  s.tg.pushText({ id: 222, username: 'mallory' }, 'let me in');
  s.tg.pushText({ id: 333, username: 'Bob' }, 'hi from bob');
  await s.tg.waitForMessages(333, 1);
  assert.deepEqual(s.tg.messagesTo(333).map((m) => m.text), ['echo: hi from bob']);
  assert.equal(s.tg.messagesTo(222).length, 0, 'no code, no reply');
  assert.deepEqual(s.h.fake.requests.map((r) => lastUserText(r.body)), ['hi from bob']);
  assert.equal(s.h.store.channelPairing.pending('telegram', Date.now()).length, 0, 'no pairing request');
});

test('dmPolicy open: anyone runs; disabled: no DM runs, not even an approved sender, while groups still can', async (t) => {
  const open = await setup(t, { dmPolicy: 'open' });
  await running(open);
  open.tg.pushText({ id: 444 }, 'anyone here?');
  assert.deepEqual((await open.tg.waitForMessages(444, 1)).map((m) => m.text), ['echo: anyone here?']);

  const off = await setup(t, { dmPolicy: 'disabled', groups: { policy: 'open', requireMention: false } });
  await running(off);
  off.h.store.channelPairing.allow({ channel: 'telegram', senderId: '555', approvedAtMs: 1, approvedBy: 'test' });
  off.tg.pushText({ id: 555 }, 'approved, in a DM');
  off.tg.pushText({ id: 666 }, 'stranger, in a DM');
  off.tg.pushText({ id: 555 }, 'in the group', { id: -100, type: 'supergroup' });
  assert.deepEqual((await off.tg.waitForMessages(-100, 1)).map((m) => m.text), ['echo: in the group']);
  assert.equal(off.tg.messagesTo(555).length + off.tg.messagesTo(666).length, 0);
  assert.deepEqual(off.h.fake.requests.map((r) => lastUserText(r.body)), ['in the group']);
  assert.ok(off.h.runtime.sessions().some((x) => x.key === 'agent:main:telegram:group:-100'), 'a group has its own session');
});

test('deliver sends to a chat id; when Telegram refuses, it throws CHANNEL_UNAVAILABLE and status names the cause', async (t) => {
  const s = await setup(t);
  await running(s);
  await s.channel.deliver('12345', '**report** ready');
  assert.deepEqual(s.tg.messagesTo(12345).map((m) => [m.text, m.parseMode]), [['<b>report</b> ready', 'HTML']]);
  s.tg.mode = 'unauthorized';
  await assert.rejects(s.channel.deliver('-100200', 'x'), (err: any) => {
    assert.equal(err.code, 'CHANNEL_UNAVAILABLE');
    assert.equal(err.details.to, '-100200');
    assert.ok(!err.message.includes(s.tg.token));
    return true;
  });
  assert.match(s.channel.status().lastError ?? '', /^delivery to -100200 failed: 401 Unauthorized/);
});

test('close stops polling and releases the poller lock; status says stopped', async (t) => {
  const s = await setup(t);
  await running(s);
  await s.channel.close();
  assert.equal(s.channel.status().state, 'stopped');
  const again = acquirePollerLock(s.token.secret!, '/another/state/dir', s.lockDir);
  assert.equal(again.kind, 'held');
  if (again.kind === 'held') again.lock.release();
});
