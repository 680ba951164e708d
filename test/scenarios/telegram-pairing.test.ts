// Issue 5, the Telegram channel end to end: a real gateway process whose channel polls a fake Bot API server
// (test/helpers/fake-telegram.ts) through the real grammY client, and whose agent talks to the stand-in model.
// DM pairing (codes, at most 3 pending, approval by the owner's CLI over RPC and on the store, the approval notice
// exactly once, surviving a restart), replies (typing
// indicator, 4,000-character chunks, HTML with a plain-text fallback), and PE-RAW-OR-SILENT on the channel side:
// a failed run gives the sender exactly one fixed reply while the owner gets the cause in status.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { leakedPiece, startAgentGateway, type AgentGateway } from '../helpers/agent-gateway.js';
import { randomToken } from '../helpers/gateway-process.js';
import { auditRows } from '../helpers/scenario-support.js';
import { lastUserText } from '../helpers/fake-model-server.js';
import { startFakeTelegram, type FakeTelegram } from '../helpers/fake-telegram.js';
import { USER_REPLIES } from '../../src/agents/provider-errors.js';
import { PAIRING_CODE_ALPHABET } from '../../src/channels/pairing.js';
import { APPROVED_NOTICE } from '../../src/channels/pairing-effects.js';

const CODE_RE = new RegExp(`Your pairing code: ([${PAIRING_CODE_ALPHABET}]{8})\\b`);
const LONG_REPLY = 'x'.repeat(9000);
const MARKER = 'raw-provider-detail-7f3a';
const FORMATTED = '**bold** and `a<b>` & done';

describe('telegram channel: DM pairing and replies', () => {
  let tg: FakeTelegram;
  let ag: AgentGateway;
  const cliOutputs: string[] = [];
  const cli = async (args: string[], env?: NodeJS.ProcessEnv) => {
    const r = await ag.cli(args, env);
    cliOutputs.push(r.stdout, r.stderr);
    return r;
  };
  const codeIn = (text: string) => CODE_RE.exec(text)?.[1];
  const notices = (chatId: number) => tg.messagesTo(chatId).filter((m) => m.text === APPROVED_NOTICE).length;
  const echoed = (id: number, text: string) => {
    tg.pushText({ id }, text);
    return tg.until(() => tg.messagesTo(id).some((m) => m.text === `echo: ${text}`), `the echo of "${text}"`);
  };

  before(async () => {
    tg = await startFakeTelegram();
    ag = await startAgentGateway({
      script: ({ body }) => {
        const text = lastUserText(body);
        if (text.includes('LONG')) return { text: LONG_REPLY };
        if (text.includes('FORMAT')) return { text: FORMATTED };
        if (text.includes('FAIL')) return { status: 400, body: JSON.stringify({ error: { message: `model does not exist ${MARKER}`, type: 'invalid_request_error' } }) };
        return { text: `echo: ${text}` };
      },
      config: { channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot } } },
      env: { TELEGRAM_BOT_TOKEN: '' },
    });
    await tg.until(() => tg.count('getUpdates') > 0, 'getUpdates call');
  });

  after(async () => {
    await ag?.stop();
    await tg?.close();
  });

  test('an unknown sender gets an 8-character code and the owner command; the same sender gets the same code', async () => {
    tg.pushText({ id: 111, username: 'alice' }, 'hello');
    const [first] = await tg.waitForMessages(111, 1);
    const code = codeIn(first!.text);
    assert.ok(code, first!.text);
    assert.ok(first!.text.includes(`clawgate pairing approve telegram ${code}`));
    tg.pushText({ id: 111, username: 'alice' }, 'hello again');
    const again = await tg.waitForMessages(111, 2);
    assert.equal(codeIn(again[1]!.text), code);
    assert.equal(ag.fake.requests.length, 0, 'an unpaired sender never reaches the model');
  });

  test('at most 3 codes are pending: a fourth sender is told politely and gets no code', async () => {
    tg.pushText({ id: 222 }, 'hi');
    tg.pushText({ id: 333 }, 'hi');
    await tg.waitForMessages(222, 1);
    await tg.waitForMessages(333, 1);
    tg.pushText({ id: 444 }, 'hi');
    const [full] = await tg.waitForMessages(444, 1);
    assert.equal(codeIn(full!.text), undefined);
    assert.match(full!.text, /too many pending/);
    const r = await cli(['pairing', 'list', 'telegram', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout) as { pending: { senderId: string; code: string }[] };
    assert.deepEqual(list.pending.map((p) => p.senderId).sort(), ['111', '222', '333']);
  });

  test('the owner approves with the CLI; the next message reaches the agent session and the reply comes back with typing', async () => {
    const code = codeIn(tg.messagesTo(111)[0]!.text)!;
    const r = await cli(['pairing', 'approve', 'telegram', code.toLowerCase()]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Approved telegram sender @alice \(111\)/);
    await tg.until(() => tg.messagesTo(111).some((m) => m.text === APPROVED_NOTICE), 'the approval notice');
    const actionsBefore = tg.chatActions.length;
    tg.pushText({ id: 111, username: 'alice' }, 'what is up');
    await tg.until(() => tg.messagesTo(111).some((m) => m.text === 'echo: what is up'), 'the echo reply');
    assert.ok(tg.chatActions.slice(actionsBefore).some((a) => a.chatId === '111' && a.action === 'typing'), 'typing indicator sent');
    assert.equal(notices(111), 1, 'the RPC approval told the sender exactly once');
    const sessions = await cli(['sessions', 'list', '--json']);
    assert.ok(sessions.stdout.includes('agent:main:telegram:dm:111'), sessions.stdout);
    const again = await cli(['pairing', 'approve', 'telegram', code]);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr + again.stdout, /UNKNOWN_PAIRING_CODE|no pending telegram pairing code/);
  });

  test('a 9,000-character reply arrives as 3 messages of at most 4,000 characters', async () => {
    const n = tg.messagesTo(111).length;
    tg.pushText({ id: 111, username: 'alice' }, 'LONG please');
    const all = await tg.waitForMessages(111, n + 3);
    const parts = all.slice(n);
    assert.equal(parts.length, 3);
    assert.ok(parts.every((p) => p.text.length <= 4000));
    assert.equal(parts.map((p) => p.text).join(''), LONG_REPLY);
  });

  test('replies go out as Telegram HTML, and as plain text when Telegram refuses the HTML', async () => {
    let n = tg.messagesTo(111).length;
    tg.pushText({ id: 111, username: 'alice' }, 'FORMAT it');
    const [html] = (await tg.waitForMessages(111, n + 1)).slice(n);
    assert.equal(html!.parseMode, 'HTML');
    assert.equal(html!.text, '<b>bold</b> and <code>a&lt;b&gt;</code> &amp; done');
    tg.rejectHtml = true;
    try {
      n = tg.messagesTo(111).length;
      tg.pushText({ id: 111, username: 'alice' }, 'FORMAT again');
      const [plain] = (await tg.waitForMessages(111, n + 1)).slice(n);
      assert.equal(plain!.parseMode, undefined);
      assert.equal(plain!.text, FORMATTED);
      assert.ok(tg.sent.some((m) => !m.accepted && m.parseMode === 'HTML'), 'the HTML attempt was refused first');
    } finally {
      tg.rejectHtml = false;
    }
  });

  test('PE-RAW-OR-SILENT (channel side): a failed run gives exactly one fixed reply; status names the cause', async () => {
    const n = tg.messagesTo(111).length;
    tg.pushText({ id: 111, username: 'alice' }, 'FAIL now');
    const [reply] = (await tg.waitForMessages(111, n + 1)).slice(n);
    assert.equal(reply!.text, USER_REPLIES.bad_request);
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(tg.messagesTo(111).length, n + 1, 'exactly one reply');
    const st = await cli(['channels', 'status', '--json']);
    assert.equal(st.code, 0, st.stderr);
    const ch = (JSON.parse(st.stdout) as { channels: { channel: string; state: string; lastError?: string; account?: string }[] }).channels[0]!;
    assert.equal(ch.state, 'running');
    assert.equal(ch.account, `@${tg.botUsername}`);
    assert.match(ch.lastError ?? '', /PROVIDER_BAD_REQUEST/);
    const status = await cli(['status', '--json']);
    assert.match(JSON.stringify(JSON.parse(status.stdout).gateway.channels), /PROVIDER_BAD_REQUEST/);
    const human = await cli(['status']);
    assert.match(human.stdout, /channels {2}telegram running \(@clawgate_test_bot\)/);
  });

  test('approvals survive a gateway restart', async () => {
    await ag.restart();
    await tg.until(() => tg.calls.filter((c) => c.method === 'getMe').length >= 2, 'a second getMe');
    const n = tg.messagesTo(111).length;
    tg.pushText({ id: 111, username: 'alice' }, 'after restart');
    await tg.until(() => tg.messagesTo(111).slice(n).some((m) => m.text === 'echo: after restart'), 'the reply after restart');
    const r = await cli(['pairing', 'list', '--json']);
    const list = JSON.parse(r.stdout) as { allowed: { senderId: string }[]; pending: unknown[] };
    assert.deepEqual(list.allowed.map((a) => a.senderId), ['111']);
    assert.equal(list.pending.length, 2);
  });

  test('with the gateway running but refusing the CLI, the owner approves on the store: the gateway tells the sender exactly once, also across a restart', async () => {
    const code = codeIn(tg.messagesTo(222)[0]!.text)!;
    const r = await cli(['pairing', 'approve', 'telegram', code, '--json'], { CLAWGATE_GATEWAY_TOKEN: randomToken() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^note: the gateway refused this CLI \(AUTH_TOKEN_MISMATCH: .*\); acting on the store directly/);
    const approved = JSON.parse(r.stdout) as { sender: { senderId: string; approvedBy: string }; notified: boolean };
    assert.deepEqual([approved.sender.senderId, approved.sender.approvedBy, approved.notified], ['222', 'cli-local', false]);
    const actors = auditRows(ag.stateDir, ['channel.pairing.approved']).map((a) => a.actor);
    assert.equal(actors.length, 2, 'one audit row per approval (111 over RPC, 222 on the store)');
    assert.match(actors[0]!, /^rpc:/);
    assert.equal(actors[1], 'cli-local');
    await tg.until(() => notices(222) === 1, 'the approval notice, sent by the running gateway');
    await echoed(222, 'hello agent');
    const getMes = tg.count('getMe');
    await ag.restart();
    await tg.until(() => tg.count('getMe') > getMes, "the restarted channel's getMe");
    await echoed(222, 'after restart');
    assert.equal(notices(222), 1, 'told exactly once: the restarted gateway replays no approval');
    assert.equal(notices(111), 1);
  });

  test('the bot token is never printed or logged (SL-PRINTED-SECRETS bot token slot)', async () => {
    cliOutputs.push((await cli(['config', 'get', 'channels', '--json'])).stdout, (await cli(['doctor', '--json'])).stdout);
    const logsDir = join(ag.stateDir, 'logs');
    const logs = readdirSync(logsDir).map((f) => readFileSync(join(logsDir, f), 'utf8'));
    for (const [where, text] of [['gateway output', ag.gw.output()], ['CLI output', cliOutputs.join('\n')], ['log files', logs.join('\n')]] as const) {
      assert.equal(leakedPiece(text, tg.token.split(':')[1]!), undefined, `${where} contains a piece of the bot token`);
    }
  });
});
