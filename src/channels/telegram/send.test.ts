import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Api, GrammyError } from 'grammy';
import { startFakeTelegram, type FakeTelegram } from '../../../test/helpers/fake-telegram.js';
import { TELEGRAM_CHUNK_CHARS } from './format.js';
import { isEntityError, sendText } from './send.js';

/** The fake Bot API and a real grammY client pointed at it. */
async function bot(t: TestContext): Promise<{ tg: FakeTelegram; api: Api }> {
  const tg = await startFakeTelegram();
  t.after(() => tg.close());
  return { tg, api: new Api(tg.token, { apiRoot: tg.apiRoot }) };
}

test('a long text goes out as chunks of at most 4,000 characters, in order, each as Telegram HTML', async (t) => {
  const { tg, api } = await bot(t);
  const text = Array.from({ length: 500 }, (_, i) => `line ${i} ${'z'.repeat(20)}`).join('\n');
  const report = await sendText(api, 42, text);
  const sent = tg.messagesTo(42);
  assert.equal(report.chunks, sent.length);
  assert.equal(report.plainFallbacks, 0);
  assert.ok(sent.length >= 4, `${text.length} characters need several messages`);
  assert.ok(sent.every((m) => m.text.length <= TELEGRAM_CHUNK_CHARS && m.parseMode === 'HTML'));
  assert.equal(sent.map((m) => m.text).join(''), text, 'nothing lost or reordered');
});

test('markdown is sent as Telegram HTML with the text escaped', async (t) => {
  const { tg, api } = await bot(t);
  await sendText(api, '42', '**done** 1 < 2 & `x>y`');
  assert.deepEqual(tg.messagesTo(42).map((m) => [m.text, m.parseMode]), [['<b>done</b> 1 &lt; 2 &amp; <code>x&gt;y</code>', 'HTML']]);
});

test('a chunk whose HTML Telegram refuses is resent once as the plain original text', async (t) => {
  const { tg, api } = await bot(t);
  tg.rejectHtml = true;
  const text = `**bold** ${'w '.repeat(2500)}`;
  const report = await sendText(api, 7, text);
  assert.deepEqual(report, { chunks: 2, plainFallbacks: 2 });
  assert.deepEqual(
    tg.sent.map((m) => [m.parseMode ?? 'plain', m.accepted]),
    [['HTML', false], ['plain', true], ['HTML', false], ['plain', true]],
    'each chunk: the HTML try, then the plain resend',
  );
  assert.equal(tg.messagesTo(7).map((m) => m.text).join(''), text, 'the plain resend is the markdown as written');
});

test('other errors are not retried as plain text: they reach the caller', async (t) => {
  const { tg, api } = await bot(t);
  tg.mode = 'unauthorized';
  await assert.rejects(sendText(api, 7, 'hello'), (err: unknown) => {
    assert.ok(err instanceof GrammyError);
    assert.equal(err.error_code, 401);
    assert.equal(isEntityError(err), false);
    return true;
  });
  assert.equal(tg.count('sendMessage'), 1, 'one try, no plain fallback');
});

test('isEntityError: only a 400 about parsing entities counts', async (t) => {
  const { tg, api } = await bot(t);
  tg.rejectHtml = true;
  const refused = await api.sendMessage(1, '<b>x', { parse_mode: 'HTML' }).then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.equal(isEntityError(refused), true);
  const other400 = new GrammyError('Call to sendMessage failed', { ok: false, error_code: 400, description: 'Bad Request: chat not found' }, 'sendMessage', {});
  assert.equal(isEntityError(other400), false);
  assert.equal(isEntityError(new Error("can't parse entities")), false, 'not from Telegram');
});
