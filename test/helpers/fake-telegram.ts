import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake answers: normally, 401 to everything (rejected token), or 409 to getUpdates (another poller). */
export type FakeTelegramMode = 'ok' | 'unauthorized' | 'conflict';

/** A message the bot sent (sendMessage or editMessageText), as the fake recorded it. */
export interface SentMessage {
  readonly method: 'sendMessage' | 'editMessageText';
  readonly chatId: string;
  readonly text: string;
  readonly parseMode: string | undefined;
  /** False when the fake refused it (HTML refused with rejectHtml). */
  readonly accepted: boolean;
  readonly atMs: number;
  /** The message's id (sendMessage: the new one; editMessageText: the edited one). */
  readonly messageId: number;
  /** The inline keyboard sent with it, if any. */
  readonly replyMarkup?: { inline_keyboard: Array<Array<{ text: string; callback_data?: string }>> } | undefined;
}

/** An answerCallbackQuery call: which press it answers, with what text. */
export interface CallbackAnswer {
  readonly callbackQueryId: string;
  readonly text: string | undefined;
  readonly showAlert: boolean;
}

/** One Bot API call: method name, when it arrived, and its answer's status (0 while held). */
export interface ApiCall {
  readonly method: string;
  readonly atMs: number;
  status: number;
}

/** A user writing to the bot. */
export interface FakeSender {
  readonly id: number;
  readonly username?: string;
  readonly firstName?: string;
}

/** A running fake Bot API server; `apiRoot` goes into channels.telegram.apiRoot. */
export interface FakeTelegram {
  readonly apiRoot: string;
  readonly token: string;
  readonly botUsername: string;
  mode: FakeTelegramMode;
  /** Answer 400 "can't parse entities" to every sendMessage with parse_mode HTML. */
  rejectHtml: boolean;
  readonly sent: SentMessage[];
  readonly chatActions: { chatId: string; action: string; atMs: number }[];
  readonly calls: ApiCall[];
  /** Queue a text message from a user (a DM unless chat is given); a held getUpdates answers at once. */
  pushText(from: FakeSender, text: string, chat?: { id: number; type: 'group' | 'supergroup' }): number;
  /** A user presses an inline button of a message the bot sent (a callback_query update); returns the query id. */
  pressButton(from: FakeSender, message: SentMessage, callbackData: string): string;
  /** answerCallbackQuery calls, in order. */
  readonly callbackAnswers: CallbackAnswer[];
  /** Accepted messages to a chat, in order. */
  messagesTo(chatId: number | string): SentMessage[];
  /** Resolves once at least n accepted messages went to the chat (throws after timeoutMs). */
  waitForMessages(chatId: number | string, n: number, timeoutMs?: number): Promise<SentMessage[]>;
  /** Resolves once probe() is true, checked every 20 ms. */
  until(probe: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  count(method: string): number;
  close(): Promise<void>;
}

/** A token of BotFather's shape (`<digits>:<35 base64url>`), fresh each call: a canary for leak checks. */
export function fakeBotToken(): string {
  return `${randomInt(100_000_000, 999_999_999)}:${randomBytes(27).toString('base64url')}`;
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (raw += d));
    req.on('end', () => resolve(raw));
  });

/** Start the fake on 127.0.0.1, port 0: getMe, long-poll getUpdates, sendMessage, sendChatAction, editMessageText, answerCallbackQuery, deleteWebhook. */
export async function startFakeTelegram(opts: { token?: string; botUsername?: string; mode?: FakeTelegramMode } = {}): Promise<FakeTelegram> {
  const token = opts.token ?? fakeBotToken();
  const botId = Number(token.split(':')[0]);
  const botUsername = opts.botUsername ?? 'clawgate_test_bot';
  const updates: { update_id: number; message?: unknown; callback_query?: unknown }[] = [];
  const waiters = new Set<() => void>();
  let nextUpdateId = 1;
  let nextMessageId = 1000;
  const start = Date.now();

  const fake: FakeTelegram = {
    apiRoot: '',
    token,
    botUsername,
    mode: opts.mode ?? 'ok',
    rejectHtml: false,
    sent: [],
    chatActions: [],
    calls: [],
    callbackAnswers: [],
    pressButton(from, message, callbackData) {
      const update_id = nextUpdateId++;
      const id = `cbq-${update_id}`;
      const sender = { id: from.id, is_bot: false, first_name: from.firstName ?? 'Tester', ...(from.username ? { username: from.username } : {}) };
      const chat = { id: Number(message.chatId), type: 'private', first_name: 'Approver' };
      updates.push({ update_id, callback_query: { id, from: sender, chat_instance: `ci-${message.chatId}`, data: callbackData, message: { message_id: message.messageId, date: Math.floor(Date.now() / 1000), chat, text: message.text } } });
      for (const wake of [...waiters]) wake();
      return id;
    },
    pushText(from, text, chat) {
      const update_id = nextUpdateId++;
      const sender = { id: from.id, is_bot: false, first_name: from.firstName ?? 'Tester', ...(from.username ? { username: from.username } : {}) };
      const chatObj = chat ? { id: chat.id, type: chat.type, title: 'Test group' } : { id: from.id, type: 'private', first_name: sender.first_name };
      updates.push({ update_id, message: { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), chat: chatObj, from: sender, text } });
      for (const wake of [...waiters]) wake();
      return update_id;
    },
    messagesTo: (chatId) => fake.sent.filter((m) => m.accepted && m.method === 'sendMessage' && m.chatId === String(chatId)),
    async waitForMessages(chatId, n, timeoutMs = 15_000) {
      await fake.until(() => fake.messagesTo(chatId).length >= n, `${n} message(s) to chat ${chatId}`, timeoutMs);
      return fake.messagesTo(chatId);
    },
    async until(probe, what, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!probe()) {
        if (Date.now() > deadline) throw new Error(`fake telegram: no ${what} within ${timeoutMs} ms (sent: ${JSON.stringify(fake.sent.map((m) => [m.chatId, m.text.slice(0, 80)]))})`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    count: (method) => fake.calls.filter((c) => c.method === method).length,
    close: async () => {
      for (const wake of [...waiters]) wake();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };

  const answer = (res: ServerResponse, method: string, status: number, body: unknown) => {
    const call = callOf.get(res);
    if (call) call.status = status;
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const ok = (res: ServerResponse, method: string, result: unknown) => answer(res, method, 200, { ok: true, result });
  const fail = (res: ServerResponse, method: string, status: number, description: string) => answer(res, method, status, { ok: false, error_code: status, description });

  async function getUpdates(req: IncomingMessage, res: ServerResponse, params: Record<string, any>): Promise<void> {
    const offset = Number(params['offset'] ?? 0);
    const timeoutS = Number(params['timeout'] ?? 0);
    const ready = () => updates.filter((u) => u.update_id >= offset);
    // Confirmed updates are gone for good, as on Telegram.
    while (updates.length > 0 && updates[0]!.update_id < offset) updates.shift();
    if (ready().length === 0 && timeoutS > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, timeoutS * 1000);
        function done() {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        }
        waiters.add(done);
        req.socket.once('close', done);
      });
    }
    ok(res, 'getUpdates', ready().slice(0, Number(params['limit'] ?? 100)));
  }

  const callOf = new WeakMap<ServerResponse, ApiCall>();
  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://fake');
      const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
      const method = m?.[2] ?? 'unknown';
      const call: ApiCall = { method, atMs: Date.now() - start, status: 0 };
      fake.calls.push(call);
      callOf.set(res, call);
      if (!m) return fail(res, 'unknown', 404, 'Not Found');
      let params: Record<string, any> = Object.fromEntries(url.searchParams);
      if (raw) {
        try {
          params = { ...params, ...(JSON.parse(raw) as Record<string, any>) };
        } catch {
          return fail(res, method, 400, 'Bad Request: fake telegram only reads JSON bodies');
        }
      }
      if (m[1] !== token || fake.mode === 'unauthorized') return fail(res, method, 401, 'Unauthorized');
      switch (method) {
        case 'getMe':
          return ok(res, method, { id: botId, is_bot: true, first_name: 'Clawgate Test', username: botUsername, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false });
        case 'deleteWebhook':
          return ok(res, method, true);
        case 'getUpdates':
          if (fake.mode === 'conflict') return fail(res, method, 409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running');
          return getUpdates(req, res, params);
        case 'sendChatAction':
          fake.chatActions.push({ chatId: String(params['chat_id']), action: String(params['action']), atMs: Date.now() - start });
          return ok(res, method, true);
        case 'answerCallbackQuery':
          fake.callbackAnswers.push({ callbackQueryId: String(params['callback_query_id']), text: params['text'] as string | undefined, showAlert: params['show_alert'] === true });
          return ok(res, method, true);
        case 'sendMessage':
        case 'editMessageText': {
          const parseMode = params['parse_mode'] as string | undefined;
          const refused = fake.rejectHtml && parseMode === 'HTML';
          const messageId = method === 'editMessageText' ? Number(params['message_id']) : nextMessageId++;
          const replyMarkup = params['reply_markup'] as SentMessage['replyMarkup'];
          fake.sent.push({ method, chatId: String(params['chat_id']), text: String(params['text']), parseMode, accepted: !refused, atMs: Date.now() - start, messageId, ...(replyMarkup ? { replyMarkup } : {}) });
          if (refused) return fail(res, method, 400, "Bad Request: can't parse entities: Unsupported start tag \"b\" at byte offset 0");
          return ok(res, method, { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: Number(params['chat_id']), type: 'private' }, text: String(params['text']) });
        }
        default:
          return fail(res, method, 404, `Not Found: method ${method} is not in the fake`);
      }
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  (fake as { apiRoot: string }).apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
