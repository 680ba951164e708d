import { Bot, GrammyError, HttpError, type Api } from 'grammy';
import type { Message } from 'grammy/types';
import type { Logger } from 'pino';
import type { AgentRuntimeApi } from '../../agents/runtime-api.js';
import type { ApprovalService } from '../../approvals/approval-service.js';
import { bounded } from '../../protocol/display-text.js';
import { ClawgateError } from '../../protocol/error-catalogue.js';
import type { Store } from '../../store/store.js';
import type { ChannelStatus } from '../channel.js';
import { TELEGRAM } from '../known.js';
import { requestPairingCode } from '../pairing.js';
import { ApprovalPrompts } from './approval-prompts.js';
import type { TelegramSettings } from './config.js';
import { runTurn } from './conversation.js';
import { ReplyBudget, STRANGER_REPLIES_PER_WINDOW, STRANGER_REPLY_WINDOW_MS } from '../reply-budget.js';
import { ReplyLimiter } from '../reply-limiter.js';
import { decideInbound, type InboundMessage } from './inbound.js';
import { pairingReply } from './pairing-replies.js';
import { acquirePollerLock, pollerLockDir, type PollerLock } from './poller-lock.js';
import { sendText } from './send.js';
import { scrubToken, type ResolvedBotToken } from './token.js';

/** Long-poll hold time asked of Telegram, in seconds. */
export const POLL_TIMEOUT_S = 30;
/** Telegram's 409 (another getUpdates poller) is retried this many times, with these pauses, then reported. */
export const CONFLICT_RETRY_DELAYS_MS: readonly number[] = [1000, 2000, 4000];
/** Back-off of getMe while Telegram cannot be reached (a 401 is never retried). */
const GETME_BACKOFF_MS: readonly number[] = [1000, 2000, 5000, 15_000, 60_000];
/**
 * Longest sender name kept (Telegram allows 64 characters each for first and last name): the name is stored
 * with a pairing request and printed by the owner's CLI, which also makes it inert.
 */
export const MAX_SENDER_NAME_CHARS = 128;
/** Longest wait for in-flight replies and the offset confirmation when the channel closes. */
const CLOSE_WAIT_MS = 3000;

/** What the channel needs from the gateway. */
export interface TelegramChannelOptions {
  readonly settings: TelegramSettings;
  readonly token: ResolvedBotToken;
  readonly store: Store;
  readonly runtime: AgentRuntimeApi;
  readonly log: Logger;
  readonly stateDir: string;
  /** Where poller locks live (default: shared by all state dirs of this user). */
  readonly lockDir?: string;
  /** Exec approvals: with channels.telegram.approvers set, pending requests go to them with buttons. */
  readonly approvals?: ApprovalService;
}

type State = ChannelStatus['state'];

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([p, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** grammY types its signals with the abort-controller shim; Node's AbortSignal is what it gets at run time. */
type GrammySignal = Parameters<Api['getMe']>[0];

/** The Telegram channel: one long-polling bot, DM pairing, a run per accepted message, replies and deliveries. */
export class TelegramChannel {
  readonly #opts: TelegramChannelOptions;
  readonly #log: Logger;
  readonly #abort = new AbortController();
  /** Bounds the pairing replies to each unknown sender. */
  readonly #pairingReplies = new ReplyLimiter();
  /** Bounds the replies to all unknown senders together. */
  readonly #strangerReplies = new ReplyBudget();
  readonly #turns = new Set<Promise<void>>();
  #bot: Bot | undefined;
  #lock: PollerLock | undefined;
  #state: State = 'starting';
  #account: string | undefined;
  #username = '';
  #lastError: string | undefined;
  #lastErrorAtMs: number | undefined;
  #fix: string | undefined;
  #polling: Promise<void> | undefined;
  #prompts: ApprovalPrompts | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(opts: TelegramChannelOptions) {
    this.#opts = opts;
    this.#log = opts.log.child({ channel: TELEGRAM });
    if (opts.token.secret) {
      this.#bot = new Bot(opts.token.secret.reveal(), opts.settings.apiRoot ? { client: { apiRoot: opts.settings.apiRoot } } : {});
      this.#bot.catch((err) => this.#noteError(`handling update ${err.ctx.update.update_id} failed: ${this.#describe(err.error)}`));
      this.#bot.on('message', (ctx) => this.#track(this.#onMessage(ctx.message)));
      if (opts.approvals && opts.settings.approvers.size > 0) {
        const prompts = new ApprovalPrompts({ api: this.#bot.api, service: opts.approvals, store: opts.store, approvers: opts.settings.approvers, log: this.#log });
        this.#prompts = prompts;
        this.#unsubscribe = opts.approvals.subscribe((n) => prompts.onNotice(n));
        this.#bot.on('callback_query:data', (ctx) => this.#track(prompts.onCallback(ctx.callbackQuery)));
      }
    }
  }

  /** Check the token and the lock, then poll in the background; problems land in status(), never in a throw. */
  start(): void {
    const { token } = this.#opts;
    if (!this.#bot || !token.secret) {
      this.#fail('failed', token.problem ?? 'no usable bot token', token.fix);
      return;
    }
    const lockDir = this.#opts.lockDir ?? pollerLockDir();
    const taken = acquirePollerLock(token.secret, this.#opts.stateDir, lockDir);
    if (taken.kind === 'conflict') {
      const h = taken.holder;
      this.#fail(
        'conflict',
        `another gateway already polls this bot token (${token.secret.fingerprint}): pid ${h.pid}, state dir ${h.stateDir}; Telegram allows one poller per bot`,
        `stop the other gateway (pid ${h.pid}) or give this one its own bot token from @BotFather, then restart`,
      );
      return;
    }
    if (taken.kind === 'held') this.#lock = taken.lock;
    else this.#log.warn({ reason: taken.reason }, 'telegram: no poller lock (relying on Telegram 409 to catch a second poller)');
    this.#polling = this.#run(this.#bot).catch((err: unknown) => this.#fail('failed', `polling stopped: ${this.#describe(err)}`, 'see the gateway log; restart the gateway'));
  }

  async #run(bot: Bot): Promise<void> {
    const signal = this.#abort.signal;
    for (let attempt = 0; !signal.aborted; attempt++) {
      try {
        const me = await bot.api.getMe(signal as unknown as GrammySignal);
        bot.botInfo = me;
        this.#username = me.username;
        this.#account = `@${me.username}`;
        break;
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404)) {
          this.#fail('failed', `the bot token was rejected by Telegram (${err.error_code} ${err.description}; token ${this.#opts.token.label}, ${this.#opts.token.secret!.fingerprint})`, `the bot token was rejected: ${this.#opts.token.fix}`);
          return;
        }
        this.#noteError(`cannot reach the Telegram Bot API (getMe): ${this.#describe(err)}; retrying`);
        await sleep(GETME_BACKOFF_MS[Math.min(attempt, GETME_BACKOFF_MS.length - 1)]!, signal);
      }
    }
    let conflicts = 0;
    while (!signal.aborted) {
      try {
        await bot.start({
          allowed_updates: this.#prompts ? ['message', 'callback_query'] : ['message'],
          timeout: POLL_TIMEOUT_S,
          onStart: () => {
            this.#state = 'running';
            this.#log.info({ account: this.#account, tokenSource: this.#opts.token.source, tokenFingerprint: this.#opts.token.secret?.fingerprint }, 'telegram: polling');
          },
        });
        return; // stopped by close()
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof GrammyError && err.error_code === 401) {
          this.#fail('failed', `the bot token was rejected by Telegram while polling (401 ${err.description})`, `the bot token was rejected: ${this.#opts.token.fix}`);
          return;
        }
        if (err instanceof GrammyError && err.error_code === 409) {
          const delay = CONFLICT_RETRY_DELAYS_MS[conflicts++];
          if (delay === undefined) {
            this.#fail(
              'conflict',
              `Telegram reports another poller for this bot (409 ${err.description}); stopped after ${CONFLICT_RETRY_DELAYS_MS.length} retries`,
              'stop the other program using this bot token (another gateway, a webhook, a script), or give this gateway its own bot from @BotFather, then restart the gateway',
            );
            return;
          }
          this.#noteError(`Telegram reports another poller for this bot (409 ${err.description}); retry ${conflicts} of ${CONFLICT_RETRY_DELAYS_MS.length} in ${delay / 1000} s`);
          await sleep(delay, signal);
          continue;
        }
        this.#noteError(`polling failed: ${this.#describe(err)}; retrying`);
        await sleep(GETME_BACKOFF_MS[0]!, signal);
      }
    }
  }

  #track(p: Promise<void>): void {
    this.#turns.add(p);
    void p.finally(() => this.#turns.delete(p));
  }

  async #onMessage(message: Message): Promise<void> {
    if (message.text === undefined || !message.from || message.from.is_bot) return;
    const from = message.from;
    const msg: InboundMessage = {
      chatId: message.chat.id,
      chatType: message.chat.type,
      senderId: from.id,
      senderUsername: from.username,
      senderName: bounded(from.username ? `@${from.username}` : [from.first_name, from.last_name].filter(Boolean).join(' '), MAX_SENDER_NAME_CHARS),
      text: message.text,
      messageId: message.message_id,
    };
    const { store, settings, runtime } = this.#opts;
    const senderId = String(from.id);
    const agentId = runtime.agents().find((a) => a.isDefault)?.id ?? 'main';
    const decision = decideInbound(settings, msg, store.channelPairing.isAllowed(TELEGRAM, senderId), agentId, this.#username);
    const api = this.#bot!.api;
    try {
      if (decision.kind === 'ignore') {
        this.#log.info({ senderId, chatId: msg.chatId, reason: decision.reason }, 'telegram: message ignored');
        return;
      }
      if (decision.kind === 'pair') {
        const now = Date.now();
        // The global budget is asked first and spent last, on a reply really sent: a sender over their own limit
        // never spends it. Nothing awaits in between, so concurrent messages cannot overspend it.
        if (!this.#strangerReplies.hasRoom(now)) {
          const report = this.#strangerReplies.report(now);
          if (report) this.#log.warn({ limit: STRANGER_REPLIES_PER_WINDOW, windowMs: STRANGER_REPLY_WINDOW_MS, refusedSinceLastNote: report.refused }, 'telegram: replies to unknown senders paused: the budget they share is spent; more strangers go unanswered until the window moves on');
          return;
        }
        if (!this.#pairingReplies.allow(senderId, now)) {
          this.#log.info({ senderId }, 'telegram: pairing reply skipped (this sender was answered several times in the last minutes)');
          return;
        }
        const outcome = requestPairingCode(store, { channel: TELEGRAM, senderId, senderName: msg.senderName, chatId: String(msg.chatId) }, now, settings.pairing);
        this.#log.info({ senderId, outcome: outcome.kind }, 'telegram: pairing request');
        const text = pairingReply(outcome, senderId);
        if (!text) return;
        this.#strangerReplies.take(now);
        await sendText(api, msg.chatId, text);
        return;
      }
      await runTurn(
        {
          runtime,
          api,
          log: this.#log,
          signal: this.#abort.signal,
          reportFailure: (cause) => this.#noteError(cause),
          describe: (err) => this.#describe(err),
        },
        { sessionKey: decision.sessionKey, chatId: msg.chatId, senderId, text: decision.text, ...(msg.chatType === 'private' ? {} : { replyTo: msg.messageId }) },
      );
    } catch (err) {
      if (!this.#abort.signal.aborted) this.#noteError(`answering chat ${msg.chatId} failed: ${this.#describe(err)}`);
    }
  }

  /** Send text to a chat (cron announcements): chunked, HTML with a plain fallback. */
  async deliver(to: string, text: string): Promise<void> {
    if (!this.#bot) throw new ClawgateError('CHANNEL_UNAVAILABLE', `telegram cannot deliver: ${this.#opts.token.problem ?? 'no bot token'}; ${this.#opts.token.fix}`, { channel: TELEGRAM });
    const chatId = /^-?\d+$/.test(to) ? Number(to) : to;
    try {
      await sendText(this.#bot.api, chatId, text);
    } catch (err) {
      const cause = this.#describe(err);
      this.#noteError(`delivery to ${to} failed: ${cause}`);
      throw new ClawgateError('CHANNEL_UNAVAILABLE', `telegram could not deliver to ${to}: ${cause}`, { channel: TELEGRAM, to });
    }
  }

  /** The bot's API client (tests and the pairing notice use it). */
  get api(): Api | undefined {
    return this.#bot?.api;
  }

  status(): ChannelStatus {
    const now = Date.now();
    const token = this.#opts.token;
    return {
      channel: TELEGRAM,
      configured: true,
      state: this.#state,
      ...(this.#account ? { account: this.#account } : {}),
      tokenSource: token.source === 'none' ? 'none' : token.label,
      ...(token.secret ? { tokenFingerprint: token.secret.fingerprint } : {}),
      ...(this.#lastError ? { lastError: this.#lastError, lastErrorAtMs: this.#lastErrorAtMs! } : {}),
      ...(this.#fix ? { fix: this.#fix } : {}),
      pendingPairings: this.#opts.store.channelPairing.pending(TELEGRAM, now).length,
      allowedSenders: this.#opts.store.channelPairing.allowed(TELEGRAM).length,
    };
  }

  /** Stop polling (confirming the update offset), stop waiting on runs, release the poller lock. */
  async close(): Promise<void> {
    this.#abort.abort();
    this.#unsubscribe?.();
    if (this.#state === 'running' || this.#state === 'starting') this.#state = 'stopped';
    const bot = this.#bot;
    if (bot?.isRunning()) await withTimeout(bot.stop().catch(() => undefined), CLOSE_WAIT_MS);
    await withTimeout(Promise.allSettled([...this.#turns, ...(this.#polling ? [this.#polling] : []), ...(this.#prompts ? [this.#prompts.settled()] : [])]), CLOSE_WAIT_MS);
    this.#lock?.release();
    this.#lock = undefined;
  }

  #describe(err: unknown): string {
    let text: string;
    if (err instanceof GrammyError) text = `${err.error_code} ${err.description}`;
    else if (err instanceof HttpError) text = `${err.message} (${err.error instanceof Error ? err.error.message : String(err.error)})`;
    else text = err instanceof Error ? err.message : String(err);
    return scrubToken(text, this.#opts.token.secret);
  }

  #noteError(message: string): void {
    this.#lastError = message;
    this.#lastErrorAtMs = Date.now();
    this.#log.warn({ lastError: message }, 'telegram channel problem');
  }

  #fail(state: State, message: string, fix: string): void {
    this.#state = state;
    this.#fix = fix;
    this.#noteError(message);
    this.#log.error({ state, fix }, `telegram channel ${state}`);
    this.#lock?.release();
    this.#lock = undefined;
  }
}
