import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Api } from 'grammy';
import pino from 'pino';
import { lastUserText, type Script } from '../../../test/helpers/fake-model-server.js';
import { startFakeTelegram, type FakeTelegram } from '../../../test/helpers/fake-telegram.js';
import { runtimeHarness, type RuntimeHarness } from '../../../test/helpers/runtime-harness.js';
import { USER_REPLIES } from '../../agents/provider-errors.js';
import { failureReply, runTurn, type Turn } from './conversation.js';

const CHAT = 5;
const SESSION = `agent:main:telegram:dm:${CHAT}`;
const CANARY = 'provider-body-detail-9c41';

interface Setup {
  readonly tg: FakeTelegram;
  readonly h: RuntimeHarness;
  readonly failures: string[];
  readonly abort: AbortController;
  turn(over?: Partial<Turn>): Promise<void>;
}

/** A real runtime on a real store with the stand-in model, and a real grammY client on the fake Bot API. */
async function setup(t: TestContext, script: (tg: FakeTelegram) => Script): Promise<Setup> {
  const tg = await startFakeTelegram();
  t.after(() => tg.close());
  const h = await runtimeHarness(t, script(tg));
  const failures: string[] = [];
  const abort = new AbortController();
  const deps = {
    runtime: h.runtime,
    api: new Api(tg.token, { apiRoot: tg.apiRoot }),
    log: pino({ level: 'silent' }),
    signal: abort.signal,
    reportFailure: (cause: string) => failures.push(cause),
    describe: (err: unknown) => (err instanceof Error ? err.message : String(err)),
  };
  return { tg, h, failures, abort, turn: (over = {}) => runTurn(deps, { sessionKey: SESSION, chatId: CHAT, senderId: String(CHAT), text: 'hello', ...over }) };
}

const echo = () => (({ body }) => ({ text: `echo: ${lastUserText(body)}` })) satisfies Script;

test('an accepted message runs in its session: "typing…" first, then the final text, and the owner hears nothing', async (t) => {
  const { tg, h, failures, turn } = await setup(t, echo);
  await turn({ text: 'what time is it' });
  assert.deepEqual(tg.messagesTo(CHAT).map((m) => m.text), ['echo: what time is it']);
  assert.equal(tg.chatActions[0]?.chatId, String(CHAT));
  assert.equal(tg.chatActions[0]?.action, 'typing');
  assert.ok(tg.chatActions[0]!.atMs <= tg.messagesTo(CHAT)[0]!.atMs, 'typing is shown before the reply');
  assert.deepEqual(failures, []);
  assert.equal(lastUserText(h.fake.requests[0]!.body), 'what time is it');
  assert.ok(h.runtime.sessions().some((s) => s.key === SESSION), 'the DM session exists');
});

test('a long final text arrives as several messages of at most 4,000 characters', async (t) => {
  const long = 'word '.repeat(2000).trim();
  const { tg, turn } = await setup(t, () => () => ({ text: long }));
  await turn();
  const sent = tg.messagesTo(CHAT);
  assert.equal(sent.length, 3);
  assert.ok(sent.every((m) => m.text.length <= 4000));
  assert.equal(sent.map((m) => m.text).join(''), long);
});

test('the typing indicator is renewed while the run goes on', async (t) => {
  const { tg, turn } = await setup(t, (tg) => async () => {
    await tg.until(() => tg.chatActions.length >= 2, 'a renewed typing indicator', 15_000);
    return { text: 'finally' };
  });
  await turn();
  assert.deepEqual(tg.messagesTo(CHAT).map((m) => m.text), ['finally']);
  assert.ok(tg.chatActions.length >= 2);
  assert.ok(tg.chatActions.every((a) => a.action === 'typing' && a.chatId === String(CHAT)));
});

test('a failed run: the sender gets exactly one fixed reply without the provider detail; the owner gets the cause', async (t) => {
  const { tg, failures, turn } = await setup(t, () => () => ({ status: 401, body: JSON.stringify({ error: { message: `invalid key ${CANARY}`, type: 'invalid_request_error' } }) }));
  await turn();
  const sent = tg.messagesTo(CHAT);
  assert.deepEqual(sent.map((m) => m.text), [USER_REPLIES.auth]);
  assert.ok(!sent[0]!.text.includes(CANARY));
  assert.equal(failures.length, 1);
  assert.match(failures[0]!, new RegExp(`^run \\S+ in ${SESSION} failed \\(`));
  assert.ok(failures[0]!.includes(`the sender got: "${USER_REPLIES.auth}"`));
});

test('a message the runtime refuses (unknown agent) gets the internal reply; the owner gets the code', async (t) => {
  const { tg, h, failures, turn } = await setup(t, echo);
  await turn({ sessionKey: 'agent:ghost:telegram:dm:5' });
  assert.deepEqual(tg.messagesTo(CHAT).map((m) => m.text), [USER_REPLIES.internal]);
  assert.equal(failures.length, 1);
  assert.match(failures[0]!, /was not run \(UNKNOWN_AGENT: /);
  assert.equal(h.fake.requests.length, 0, 'the model was not called');
});

test('a run that ends without text sends nothing', async (t) => {
  const { tg, failures, turn } = await setup(t, () => () => ({ text: '' }));
  await turn();
  assert.equal(tg.count('sendMessage'), 0);
  assert.deepEqual(failures, []);
});

test('when the channel closes during the run, the turn stops waiting and answers nothing', async (t) => {
  const { tg, failures, abort, turn } = await setup(t, () => () => ({ hang: true }));
  const done = turn();
  await tg.until(() => tg.chatActions.length >= 1, 'the typing indicator');
  abort.abort();
  await done;
  assert.equal(tg.count('sendMessage'), 0);
  assert.deepEqual(failures, []);
});

test('a reply Telegram does not take is reported to the owner, not thrown', async (t) => {
  const { tg, failures, turn } = await setup(t, (tg) => () => {
    tg.mode = 'unauthorized';
    return { text: 'lost' };
  });
  await turn();
  assert.equal(tg.messagesTo(CHAT).length, 0);
  assert.equal(failures.length, 1);
  assert.match(failures[0]!, new RegExp(`^could not deliver the reply of ${SESSION} to chat ${CHAT}: .*401`));
});

test('failureReply: the fixed text by error class, else by code, else internal; no result is a timeout', () => {
  type Snap = NonNullable<Parameters<typeof failureReply>[0]>;
  const snap = (over: Partial<Snap>): Snap => ({ runId: 'r', sessionKey: SESSION, agentId: 'main', status: 'error', queuedAtMs: 0, usage: { inputTokens: 0, outputTokens: 0 }, ...over }) as Snap;
  assert.equal(failureReply(undefined), USER_REPLIES.timeout);
  assert.equal(failureReply(snap({ status: 'timeout' })), USER_REPLIES.timeout);
  assert.equal(failureReply(snap({ error: { code: 'PROVIDER_RATE_LIMITED', message: 'x', errorClass: 'rate_limit' } })), USER_REPLIES.rate_limit);
  assert.equal(failureReply(snap({ error: { code: 'MODEL_NOT_CONFIGURED', message: 'x' } })), USER_REPLIES.config);
  assert.equal(failureReply(snap({ error: { code: 'SOMETHING_NEW', message: 'x' } })), USER_REPLIES.internal);
  assert.equal(failureReply(snap({})), USER_REPLIES.internal);
});
