// Issue 5's "done when", end to end, as a new user follows README, docs/telegram.md and docs/cron.md: every
// owner step is a `clawgate` command (config set for the model and the bot, pairing list/approve, cron add,
// cron runs, pairing revoke) against a real gateway process whose Telegram channel is the real grammY client
// polling a fake Bot API server, and whose model is the stand-in OpenAI server. The user pairs with a code,
// talks to the agent, and a recurring job reports to their chat once per scheduled time.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CronRunEntry } from '../../src/protocol/cron-job.js';
import { PAIRING_CODE_ALPHABET } from '../../src/channels/pairing.js';
import { APPROVED_NOTICE } from '../../src/channels/pairing-effects.js';
import { lastUserText } from '../helpers/fake-model-server.js';
import { startFakeOpenAi, type FakeModelServer } from '../helpers/fake-openai.js';
import { startFakeTelegram, type FakeTelegram } from '../helpers/fake-telegram.js';
import { makeStateDir, runCli, startGateway, type CliResult, type RunningGateway } from '../helpers/gateway-process.js';

/** The user: a Telegram account writing to the bot in a private chat (chat id = user id). */
const USER = { id: 987654321, username: 'me' } as const;
const CODE_RE = new RegExp(`Your pairing code: ([${PAIRING_CODE_ALPHABET}]{8}) \\(your Telegram user id: ${USER.id}\\)`);
const REPORT_PROMPT = 'Write my status report';
const EVERY_S = 10;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a new user: connect a bot, pair, talk, and get a recurring report in Telegram', () => {
  let tg: FakeTelegram;
  let model: FakeModelServer;
  let stateDir: string;
  let gw: RunningGateway | undefined;
  let reports = 0;
  let jobId = '';

  const cli = (...args: string[]) => runCli(args, { stateDir });
  const ok = async (...args: string[]): Promise<CliResult> => {
    const r = await cli(...args);
    assert.equal(r.code, 0, `clawgate ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r;
  };
  /** Start the gateway on the state dir as the CLI configured it (the helper only adds a free port). */
  const startOurGateway = async () => {
    const config = JSON.parse(readFileSync(join(stateDir, 'clawgate.json'), 'utf8')) as Record<string, unknown>;
    gw = await startGateway({ stateDir, config, token: null, env: { TELEGRAM_BOT_TOKEN: '' } });
  };
  const reportsInChat = () => tg.messagesTo(USER.id).filter((m) => m.text.startsWith('report #'));

  before(async () => {
    tg = await startFakeTelegram();
    model = await startFakeOpenAi(({ body }) => {
      const text = lastUserText(body);
      // Each cron run gets a distinct answer, so a repeated delivery or run would show as a duplicate.
      if (text.includes(REPORT_PROMPT)) return { text: `report #${++reports}: all systems **green**` };
      return { text: `echo: ${text}` };
    });
    stateDir = makeStateDir();
  });

  after(async () => {
    await gw?.stop();
    await tg?.close();
    await model?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  test('the owner configures the model and the bot with config set, then starts the gateway; the channel runs', async () => {
    // README "Talk to your agent" (a local OpenAI-compatible server needs no key).
    await ok('config', 'set', 'models.providers.local.api', 'openai-completions');
    await ok('config', 'set', 'models.providers.local.baseUrl', model.url);
    await ok('config', 'set', 'agents.defaults.model', 'local/fake-gpt');
    // docs/telegram.md step 2, and "A self-hosted Bot API server".
    await ok('config', 'set', 'channels.telegram.botToken', tg.token);
    await ok('config', 'set', 'channels.telegram.apiRoot', tg.apiRoot);
    await startOurGateway();
    await tg.until(() => tg.count('getUpdates') > 0, 'getUpdates call');
    const st = await ok('channels', 'status');
    assert.match(st.stdout, /CHANNEL\s+STATE\s+ACCOUNT\s+TOKEN\s+PENDING\s+APPROVED/);
    assert.match(st.stdout, /telegram\s+running\s+@clawgate_test_bot\s+channels\.telegram\.botToken \(sha256:[0-9a-f]{12}\)\s+0\s+0/);
  });

  test('the user writes to the bot and gets a code; the owner lists and approves it; the user is told', async () => {
    tg.pushText(USER, '/start');
    const [reply] = await tg.waitForMessages(USER.id, 1);
    const code = CODE_RE.exec(reply!.text)?.[1];
    assert.ok(code, reply!.text);
    assert.ok(reply!.text.startsWith('This assistant only talks to people its owner approved.\n'), reply!.text);
    assert.ok(reply!.text.includes(`\nAsk the owner to run: clawgate pairing approve telegram ${code}\n`), reply!.text);
    assert.match(reply!.text, /The code is valid for 60 min\.$/);
    const list = await ok('pairing', 'list', 'telegram');
    assert.match(list.stdout, new RegExp(`telegram\\s+${code}\\s+${USER.id}\\s+@${USER.username}\\s+`));
    const approved = await ok('pairing', 'approve', 'telegram', code!);
    assert.match(approved.stdout, new RegExp(`Approved telegram sender @${USER.username} \\(${USER.id}\\); they were told`));
    await tg.until(() => tg.messagesTo(USER.id).some((m) => m.text === APPROVED_NOTICE), 'the approval notice');
    const after = await ok('pairing', 'list', 'telegram');
    assert.match(after.stdout, /Pending codes: none/);
    assert.match(after.stdout, new RegExp(`Approved senders \\(1\\):[\\s\\S]*telegram\\s+${USER.id}\\s+@${USER.username}\\s+`));
  });

  test('the user talks to the agent and gets the model\'s reply in Telegram, with "typing…" first', async () => {
    const n = tg.messagesTo(USER.id).length;
    tg.pushText(USER, 'Hello! Who are you?');
    const [answer] = (await tg.waitForMessages(USER.id, n + 1)).slice(n);
    assert.equal(answer!.text, 'echo: Hello! Who are you?');
    assert.ok(tg.chatActions.some((a) => a.chatId === String(USER.id) && a.action === 'typing' && a.atMs <= answer!.atMs));
    const history = await ok('sessions', 'history', `agent:main:telegram:dm:${USER.id}`);
    assert.match(history.stdout, /Hello! Who are you\?/);
    assert.equal(model.requests.length, 1, 'one model call: the pairing messages never reached the model');
  });

  test(`cron add --every ${EVERY_S}s --announce --channel telegram --to <chat id>: each run's result arrives once in the chat`, { timeout: 60_000 }, async () => {
    const add = await ok('cron', 'add', '--name', 'report', '--every', `${EVERY_S}s`, '--session', 'isolated', '--message', REPORT_PROMPT, '--announce', '--channel', 'telegram', '--to', String(USER.id));
    const m = /^added cron job ([0-9a-f-]{36}) "report": every 10s, isolated → telegram:987654321; next run \S+Z \(in \d+s\)$/m.exec(add.stdout);
    assert.ok(m, add.stdout);
    jobId = m[1]!;
    const list = await ok('cron', 'list');
    assert.match(list.stdout, new RegExp(`${jobId.slice(0, 8)}\\s+report\\s+every 10s\\s+isolated → telegram:${USER.id}\\s+main\\s+enabled`));

    await tg.until(() => reportsInChat().length >= 2, 'two cron reports in the chat', (EVERY_S * 2 + 15) * 1000);
    // Stop the schedule, then compare everything the ledger recorded with everything Telegram got.
    await ok('cron', 'disable', jobId.slice(0, 8));
    let entries: CronRunEntry[] = [];
    for (let i = 0; i < 100; i++) {
      entries = (JSON.parse((await ok('cron', 'runs', jobId, '--json')).stdout) as { entries: CronRunEntry[] }).entries;
      if (entries.every((e) => e.status !== 'running')) break;
      await sleep(200);
    }
    await sleep(500);
    const inChat = reportsInChat();
    assert.ok(entries.length >= 2, JSON.stringify(entries));
    assert.ok(entries.every((e) => e.status === 'ok' && !e.manual && e.deliveryStatus === 'delivered'), JSON.stringify(entries));
    const times = entries.map((e) => e.scheduledAtMs).sort((a, b) => a - b);
    assert.equal(new Set(times).size, times.length, 'one run per scheduled time');
    for (let i = 1; i < times.length; i++) assert.equal(times[i]! - times[i - 1]!, EVERY_S * 1000, 'runs every 10 s, none skipped or repeated');
    // Oldest first in the chat, newest first in the ledger: the same texts, each exactly once.
    assert.deepEqual(inChat.map((msg) => msg.text), entries.map((e) => e.summary!.replace('**green**', '<b>green</b>')).reverse());
    assert.ok(inChat.every((msg) => msg.parseMode === 'HTML'));
    assert.equal(reports, entries.length, 'one model call per run');
    const runs = await ok('cron', 'runs', jobId.slice(0, 8));
    assert.match(runs.stdout, /RUN\s+SCHEDULED\s+STARTED\s+DURATION\s+STATUS\s+ERROR\s+DELIVERY\s+SUMMARY/);
    assert.match(runs.stdout, /\s+ok\s+-\s+delivered\s+report #1: all systems \*\*green\*\*\n/);
  });

  test('the owner takes the approval back with pairing revoke: the user\'s next message gets a new code, not the agent', async () => {
    const calls = model.requests.length;
    const revoked = await ok('pairing', 'revoke', 'telegram', `@${USER.username.toUpperCase()}`);
    assert.match(revoked.stdout, new RegExp(`Revoked telegram sender @${USER.username} \\(${USER.id}\\)`));
    const n = tg.messagesTo(USER.id).length;
    tg.pushText(USER, 'still there?');
    const [reply] = (await tg.waitForMessages(USER.id, n + 1)).slice(n);
    const code = CODE_RE.exec(reply!.text)?.[1];
    assert.ok(code, reply!.text);
    assert.equal(model.requests.length, calls, 'a revoked sender does not reach the model');
    const again = await cli('pairing', 'revoke', 'telegram', String(USER.id));
    assert.equal(again.code, 1);
    assert.match(again.stderr, /UNKNOWN_CHANNEL_SENDER|no approved telegram sender 987654321/);
    await ok('pairing', 'approve', 'telegram', code!);
  });

  test('pairing revoke works with the gateway stopped (on the store), and the revocation holds after the start', async () => {
    await gw!.stop();
    const revoked = await ok('pairing', 'revoke', 'telegram', String(USER.id), '--json');
    assert.match(revoked.stderr, /note: the gateway is not running; acting on the store directly/);
    assert.equal((JSON.parse(revoked.stdout) as { sender: { senderId: string } }).sender.senderId, String(USER.id));
    const list = JSON.parse((await ok('pairing', 'list', 'telegram', '--json')).stdout) as { allowed: unknown[] };
    assert.deepEqual(list.allowed, []);
    const getMes = tg.count('getMe');
    await startOurGateway();
    await tg.until(() => tg.count('getMe') > getMes, 'the restarted channel\'s getMe');
    const n = tg.messagesTo(USER.id).length;
    tg.pushText(USER, 'and now?');
    const [reply] = (await tg.waitForMessages(USER.id, n + 1)).slice(n);
    assert.ok(CODE_RE.test(reply!.text), reply!.text);
  });
});
