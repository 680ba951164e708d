import type { Api } from 'grammy';
import type { CallbackQuery } from 'grammy/types';
import type { Logger } from 'pino';
import type { ApprovalNotice, ApprovalService } from '../../approvals/approval-service.js';
import { inert, MAX_DISPLAY_NAME_CHARS } from '../../protocol/display-text.js';
import { ClawgateError } from '../../protocol/error-catalogue.js';
import type { ApprovalDecision } from '../../protocol/methods/exec-approvals.js';
import type { ExecApprovalRecord } from '../../store/exec-approvals.js';
import type { Store } from '../../store/store.js';
import { TELEGRAM } from '../known.js';
import { normalizePeer } from './config.js';

/** Longest command text in an approval message (the model wrote it; the CLI's --json has it whole). */
export const MAX_PROMPT_COMMAND_CHARS = 1_000;
/** Prefix of our callback data: `xa:<approval id>:<o|a|d>` stays well under Telegram's 64 bytes. */
const CALLBACK_PREFIX = 'xa:';
const DECISION_OF: Record<string, ApprovalDecision> = { o: 'allow-once', a: 'allow-always', d: 'deny' };
const CALLBACK_RE = /^xa:([0-9a-f-]{36}):([oad])$/;
/** What a button press outside the approvers list is told (nothing changes). */
export const NOT_AN_APPROVER = 'You are not an approver of this assistant (channels.telegram.approvers); nothing changed.';

/** The callback data of a button: the approval id and a one-letter decision. */
export function callbackData(id: string, decision: ApprovalDecision): string {
  const letter = decision === 'allow-once' ? 'o' : decision === 'allow-always' ? 'a' : 'd';
  return `${CALLBACK_PREFIX}${id}:${letter}`;
}

/** The approval id and decision of our callback data, or undefined for anything else. */
export function parseCallbackData(data: string): { id: string; decision: ApprovalDecision } | undefined {
  const m = CALLBACK_RE.exec(data);
  return m ? { id: m[1]!, decision: DECISION_OF[m[2]!]! } : undefined;
}

/** The text of an approval request: everything from the model inert (no control character, bounded). */
export function promptText(r: ExecApprovalRecord): string {
  const minutes = Math.max(1, Math.round((r.expiresAtMs - r.createdAtMs) / 60_000));
  return [
    `Exec approval needed (request ${r.id.slice(0, 8)})`,
    `Agent: ${inert(r.agentId, MAX_DISPLAY_NAME_CHARS)}`,
    `Session: ${inert(r.sessionKey, MAX_DISPLAY_NAME_CHARS)}`,
    `Command: ${inert(r.command, MAX_PROMPT_COMMAND_CHARS)}`,
    `Cwd: ${inert(r.cwd, MAX_PROMPT_COMMAND_CHARS)} (${r.sandboxed ? 'sandboxed' : 'not sandboxed'})`,
    `Expires: ${new Date(r.expiresAtMs).toISOString()} (${minutes} min after it was asked; then it is denied)`,
  ].join('\n');
}

/** The outcome line added to the message once the request ended. */
export function outcomeText(r: ExecApprovalRecord): string {
  const by = r.decidedBy ?? 'gateway';
  switch (r.status) {
    case 'allowed-once':
      return `Allowed once by ${by}.`;
    case 'allowed-always':
      return `Allowed always by ${by}: this exact command runs without asking from now on.`;
    case 'denied':
      return `Denied by ${by}: the command did not run.`;
    default:
      return `Expired (${r.how ?? 'timeout'}): the command did not run.`;
  }
}

/** What the prompts need from the channel. */
export interface ApprovalPromptsOptions {
  readonly api: Api;
  readonly service: Pick<ApprovalService, 'resolve'>;
  readonly store: Store;
  /** Normalised approvers (ids as digits, @usernames lower-cased), from channels.telegram.approvers. */
  readonly approvers: ReadonlySet<string>;
  readonly log: Logger;
}

/**
 * Exec approvals on Telegram: each approver gets a pending request with Allow once / Allow always / Deny buttons;
 * a press from an approver resolves it as `telegram:<user id>`, and every copy of the message then shows the
 * outcome, whoever decided (the CLI, another device, expiry). It follows the approval service's notices, which come
 * from the gateway's audit tail: one mechanism for requests from any run.
 */
export class ApprovalPrompts {
  readonly #opts: ApprovalPromptsOptions;
  /** Messages sent per pending request, to edit when it ends. */
  readonly #sent = new Map<string, Array<{ chatId: number; messageId: number; text: string }>>();
  readonly #inFlight = new Set<Promise<unknown>>();
  /** The sending of each request's messages, which its outcome waits for (a quick decision edits every copy). */
  readonly #announcing = new Map<string, Promise<void>>();

  constructor(opts: ApprovalPromptsOptions) {
    this.#opts = opts;
  }

  /** The chats to send a request to: numeric approvers, and @username approvers whose chat the channel knows (an approved sender with that name). */
  approverChats(): number[] {
    const chats = new Set<number>();
    const byName = new Map(this.#opts.store.channelPairing.allowed(TELEGRAM).filter((s) => s.senderName).map((s) => [normalizePeer(s.senderName!), s.senderId]));
    for (const a of this.#opts.approvers) {
      const id = a.startsWith('@') ? byName.get(a) : a;
      if (id !== undefined && /^\d+$/.test(id)) chats.add(Number(id));
      else if (a.startsWith('@')) this.#opts.log.warn({ approver: a }, 'telegram: approver @username has no known chat yet (they must be an approved sender); no approval message sent to them');
    }
    return [...chats];
  }

  /** Whether the presser is an approver: by user id, or by @username (matched on the press's from.username). */
  isApprover(from: CallbackQuery['from']): boolean {
    return this.#opts.approvers.has(String(from.id)) || (from.username !== undefined && this.#opts.approvers.has(normalizePeer(`@${from.username}`)));
  }

  #track<T>(p: Promise<T>): void {
    this.#inFlight.add(p);
    void p.finally(() => this.#inFlight.delete(p));
  }

  /** A notice from the approval service. */
  onNotice(n: ApprovalNotice): void {
    if (n.kind === 'requested') {
      const sending = this.#announce(n.approval);
      this.#announcing.set(n.approval.id, sending);
      this.#track(sending);
    } else {
      this.#track(this.#close(n.approval));
    }
  }

  async #announce(r: ExecApprovalRecord): Promise<void> {
    const text = promptText(r);
    const keyboard = { inline_keyboard: [[{ text: 'Allow once', callback_data: callbackData(r.id, 'allow-once') }, { text: 'Allow always', callback_data: callbackData(r.id, 'allow-always') }, { text: 'Deny', callback_data: callbackData(r.id, 'deny') }]] };
    const sent: Array<{ chatId: number; messageId: number; text: string }> = [];
    this.#sent.set(r.id, sent);
    for (const chatId of this.approverChats()) {
      try {
        const m = await this.#opts.api.sendMessage(chatId, text, { reply_markup: keyboard, link_preview_options: { is_disabled: true } });
        sent.push({ chatId, messageId: m.message_id, text });
      } catch (err) {
        this.#opts.log.warn({ approvalId: r.id, chatId, err: (err as Error).message }, 'telegram: could not send an approval request to an approver');
      }
    }
  }

  async #close(r: ExecApprovalRecord): Promise<void> {
    await this.#announcing.get(r.id);
    this.#announcing.delete(r.id);
    const sent = this.#sent.get(r.id);
    if (!sent) return;
    this.#sent.delete(r.id);
    for (const m of sent) {
      try {
        await this.#opts.api.editMessageText(m.chatId, m.messageId, `${m.text}\n\n${outcomeText(r)}`, { reply_markup: { inline_keyboard: [] } });
      } catch (err) {
        this.#opts.log.warn({ approvalId: r.id, chatId: m.chatId, err: (err as Error).message }, 'telegram: could not show the outcome on an approval message');
      }
    }
  }

  /** A button press: resolved for an approver (as telegram:<user id>), refused for anyone else; always answered. */
  async onCallback(q: CallbackQuery): Promise<void> {
    const parsed = q.data === undefined ? undefined : parseCallbackData(q.data);
    if (!parsed) return;
    const api = this.#opts.api;
    if (!this.isApprover(q.from)) {
      this.#opts.log.warn({ senderId: q.from.id, approvalId: parsed.id }, 'telegram: approval button pressed by someone who is not an approver; refused');
      await api.answerCallbackQuery(q.id, { text: NOT_AN_APPROVER, show_alert: true });
      return;
    }
    let answer: string;
    try {
      const out = this.#opts.service.resolve(parsed.id, parsed.decision, { label: `telegram:${q.from.id}` });
      answer = outcomeText(out.approval);
    } catch (err) {
      if (!(err instanceof ClawgateError)) throw err;
      answer = err.code === 'APPROVAL_ALREADY_RESOLVED' ? 'Already decided; nothing changed.' : err.code === 'APPROVAL_EXPIRED' ? 'This request expired; the command did not run.' : 'Unknown request; nothing changed.';
    }
    await api.answerCallbackQuery(q.id, { text: answer });
  }

  /** Wait (bounded by the caller) for sends and edits in flight. */
  settled(): Promise<unknown> {
    return Promise.allSettled([...this.#inFlight]);
  }
}
