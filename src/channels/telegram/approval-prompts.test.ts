import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { Secret } from '../../auth/secret.js';
import { statePathsOf } from '../../config/paths.js';
import { effectiveGateway, type Config } from '../../config/schema.js';
import { startGatewayServer, type GatewayServer } from '../../gateway/server.js';
import { Store } from '../../store/store.js';
import type { ExecApprovalAsk, ExecDecision, PendingApprovalNotice } from '../../approvals/types.js';
import { CLI_LOCAL_ACTOR, resolveApproval } from '../../approvals/operations.js';
import { makeStateDir, randomToken } from '../../../test/helpers/gateway-process.js';
import { startFakeTelegram, type FakeTelegram, type SentMessage } from '../../../test/helpers/fake-telegram.js';
import { callbackData, NOT_AN_APPROVER, parseCallbackData } from './approval-prompts.js';

const OWNER = { id: 111, username: 'owner' };
const CAROL = { id: 222, username: 'Carol' };
const STRANGER = { id: 999, username: 'mallory' };
const ASK: ExecApprovalAsk = {
  agentId: 'main',
  sessionKey: 'agent:main:telegram:dm:111',
  runId: 'run-tg',
  command: 'make deploy',
  cwd: '/srv/app',
  sandboxed: false,
  policy: { security: 'allowlist', ask: 'on-miss', allowlist: [], approvalTimeoutMs: 600_000 },
};

test('callback data: short, round-trips, and nothing else parses', () => {
  const id = '0f3c2a1b-9d8e-4c55-8a0b-000000000001';
  for (const d of ['allow-once', 'allow-always', 'deny'] as const) {
    assert.ok(Buffer.byteLength(callbackData(id, d)) <= 64);
    assert.deepEqual(parseCallbackData(callbackData(id, d)), { id, decision: d });
  }
  for (const bad of ['', 'xa:', `xa:${id}:x`, `xa:${id}:oo`, `xb:${id}:o`, `xa:${id.toUpperCase()}:o`, `xa:../${id}:o`]) assert.equal(parseCallbackData(bad), undefined, bad);
});

describe('exec approvals on Telegram: approvers get buttons; a press decides; others are refused (stand-in Bot API, real gateway)', () => {
  let tg: FakeTelegram;
  let server: GatewayServer;
  let store: Store;
  let stateDir: string;

  before(async () => {
    tg = await startFakeTelegram();
    stateDir = makeStateDir();
    const paths = statePathsOf(stateDir);
    store = Store.open(paths.dbPath);
    // Carol is an approver by @username: her chat is known because she is an approved sender with that name.
    store.channelPairing.allow({ channel: 'telegram', senderId: String(CAROL.id), senderName: '@Carol', approvedAtMs: 1, approvedBy: 'cli-local' });
    const fullConfig: Config = { channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot, approvers: [OWNER.id, '@carol'] } } };
    server = await startGatewayServer({ store, paths, config: { ...effectiveGateway(fullConfig), port: 0 }, fullConfig, env: {}, gatewayToken: { secret: new Secret(randomToken()), source: 'config' } });
    await tg.until(() => tg.count('getUpdates') > 0, 'polling');
  });
  after(async () => {
    await server?.close();
    store?.close();
    await tg?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const ask = async (command: string) => {
    let notice: PendingApprovalNotice | undefined;
    const decided: Promise<ExecDecision> = server.context.approvals.decide({ ...ASK, command }, { signal: new AbortController().signal, onPending: (n) => (notice = n) });
    await tg.until(() => notice !== undefined, 'pending notice');
    return { id: notice!.approvalId, decided };
  };
  const promptTo = async (chatId: number, id: string): Promise<SentMessage> => {
    await tg.until(() => tg.messagesTo(chatId).some((m) => m.text.includes(id.slice(0, 8))), `the request ${id.slice(0, 8)} to ${chatId}`);
    return tg.messagesTo(chatId).find((m) => m.text.includes(id.slice(0, 8)))!;
  };
  const editsOf = (m: SentMessage) => tg.sent.filter((s) => s.method === 'editMessageText' && s.chatId === m.chatId && s.messageId === m.messageId);

  test('each approver (by id, and by @username through their known chat) gets the request with three buttons, the command inert', async () => {
    const { id, decided } = await ask('make deploy\n\x1b[2Jrm -rf ~');
    for (const chat of [OWNER.id, CAROL.id]) {
      const m = await promptTo(chat, id);
      assert.match(m.text, new RegExp(`^Exec approval needed \\(request ${id.slice(0, 8)}\\)\nAgent: main\nSession: agent:main:telegram:dm:111\nCommand: make deploy\uFFFD\uFFFDrm -rf ~\nCwd: /srv/app \\(not sandboxed\\)\nExpires: \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z \\(10 min after it was asked; then it is denied\\)$`));
      assert.equal(m.parseMode, undefined, 'plain text: nothing from the model is markup');
      assert.deepEqual(m.replyMarkup?.inline_keyboard, [[
        { text: 'Allow once', callback_data: `xa:${id}:o` },
        { text: 'Allow always', callback_data: `xa:${id}:a` },
        { text: 'Deny', callback_data: `xa:${id}:d` },
      ]]);
    }
    assert.equal(tg.messagesTo(STRANGER.id).length, 0);
    const m = await promptTo(OWNER.id, id);

    // Someone else presses a button (a forwarded message, a group): refused, nothing changes.
    const q = tg.pressButton(STRANGER, m, `xa:${id}:o`);
    await tg.until(() => tg.callbackAnswers.some((a) => a.callbackQueryId === q), 'the refusal');
    assert.deepEqual(tg.callbackAnswers.find((a) => a.callbackQueryId === q), { callbackQueryId: q, text: NOT_AN_APPROVER, showAlert: true });
    assert.equal(store.execApprovals.get(id)?.status, 'pending');

    // The owner presses Allow once: the run goes on, decided by telegram:<id>; every copy shows the outcome.
    const yes = tg.pressButton(OWNER, m, `xa:${id}:o`);
    const d = await decided;
    assert.deepEqual([d.allowed, d.how, d.decidedBy], [true, 'allow-once', `telegram:${OWNER.id}`]);
    await tg.until(() => tg.callbackAnswers.some((a) => a.callbackQueryId === yes), 'the answer');
    assert.match(tg.callbackAnswers.find((a) => a.callbackQueryId === yes)!.text ?? '', /^Allowed once by telegram:111\.$/);
    for (const chat of [OWNER.id, CAROL.id]) {
      const copy = await promptTo(chat, id);
      await tg.until(() => editsOf(copy).length > 0, `the outcome on ${chat}'s copy`);
      assert.match(editsOf(copy)[0]!.text, /\n\nAllowed once by telegram:111\.$/);
      assert.deepEqual(editsOf(copy)[0]!.replyMarkup, { inline_keyboard: [] }, 'the buttons are gone');
    }
    const audit = store.audit.ofKind('exec.approval.resolved').filter((e) => e.requestId === id);
    assert.deepEqual(audit.map((e) => [e.actor, e.detail?.['how']]), [[`telegram:${OWNER.id}`, 'allow-once']]);

    // A late press on the other copy changes nothing.
    const late = tg.pressButton(CAROL, await promptTo(CAROL.id, id), `xa:${id}:d`);
    await tg.until(() => tg.callbackAnswers.some((a) => a.callbackQueryId === late), 'the late answer');
    assert.equal(tg.callbackAnswers.find((a) => a.callbackQueryId === late)!.text, 'Already decided; nothing changed.');
    assert.equal(store.execApprovals.get(id)?.status, 'allowed-once');
  });

  test('an @username approver decides by pressing (matched on from.username, any case); Deny and Allow always', async () => {
    const denied = await ask('make nuke');
    tg.pressButton({ id: CAROL.id, username: 'CAROL' }, await promptTo(CAROL.id, denied.id), `xa:${denied.id}:d`);
    const d = await denied.decided;
    assert.deepEqual([d.allowed, d.how, d.decidedBy], [false, 'denied', `telegram:${CAROL.id}`]);

    const always = await ask('npm test');
    tg.pressButton(OWNER, await promptTo(OWNER.id, always.id), `xa:${always.id}:a`);
    assert.equal((await always.decided).how, 'allow-always');
    assert.deepEqual(store.execAllowlist.list('main').map((e) => [e.pattern, e.addedBy]), [['npm test', `telegram:${OWNER.id}`]]);
  });

  test('decided elsewhere (the CLI on the store): the Telegram message shows that outcome too', async () => {
    const { id, decided } = await ask('make elsewhere');
    const m = await promptTo(OWNER.id, id);
    const cli = Store.open(statePathsOf(stateDir).dbPath);
    try {
      resolveApproval(cli, id, 'deny', CLI_LOCAL_ACTOR, Date.now());
    } finally {
      cli.close();
    }
    assert.equal((await decided).how, 'denied');
    await tg.until(() => editsOf(m).length > 0, 'the outcome edit');
    assert.match(editsOf(m)[0]!.text, /Denied by cli-local: the command did not run\.$/);
  });
});
