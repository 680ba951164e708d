import { Type } from '@sinclair/typebox';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { compile } from '../protocol/schema.js';
import type { Db } from './database.js';

/** A tool call the model asked for; `arguments` is the parsed JSON object (empty when the model sent none). */
export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: Record<string, unknown>;
}

/** Token counts of one model call or a whole run. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

/** One transcript entry, as stored and as sent to providers (provider-neutral). */
export type TranscriptMessage =
  | { readonly role: 'user'; readonly text: string }
  | {
      readonly role: 'assistant';
      readonly text: string;
      readonly toolCalls?: readonly ToolCall[];
      readonly usage?: Usage;
      readonly stopReason?: string;
    }
  | { readonly role: 'tool'; readonly toolCallId: string; readonly name: string; readonly text: string; readonly isError?: boolean; readonly durationMs?: number };

/** One stored transcript entry. */
export interface StoredMessage {
  readonly id: number;
  readonly sessionKey: string;
  readonly runId: string | null;
  readonly createdAtMs: number;
  readonly message: TranscriptMessage;
  /** Set when the entry is a synthetic tool result answering the assistant message with this id. */
  readonly repairOf: number | null;
  /** Set when the entry is excluded from what providers see (orphan tool result, unreadable, quarantined). */
  readonly excludedReason: string | null;
  /** Set when the row's body cannot be read: `message` is a placeholder. */
  readonly unreadable?: true;
}

/** Longest message text stored (1 MiB of characters); the rest is cut and a marker says how much. */
export const MAX_MESSAGE_TEXT_CHARS = 1_048_576;
/** Tool call arguments whose JSON is longer than this are replaced by a note (the call itself is kept). */
export const MAX_TOOL_ARGUMENTS_CHARS = 262_144;
/** The reason a row whose body cannot be read is reported excluded with. */
export const UNREADABLE_REASON = 'unreadable';
/** What an unreadable row's text reads as in history. */
export const UNREADABLE_TEXT = '[unreadable transcript entry]';
/** How the reason of a row quarantined by `doctor --fix` starts (its body stays as it was, byte for byte). */
export const QUARANTINE_REASON_PREFIX = 'quarantined';

/** Options of `append`. */
export interface AppendOptions {
  /** The assistant message a synthetic tool result answers: the row is listed right after it. */
  readonly repairOf?: number;
}

/** Options of `list`. */
export interface ListOptions {
  /** Only the last `limit` entries (in list order). */
  readonly limit?: number | undefined;
  /** Only rows with a larger id (rows appended after that one). */
  readonly afterId?: number | undefined;
}

interface Row {
  id: number;
  session_key: string;
  run_id: string | null;
  role: string;
  body: string;
  created_at_ms: number;
  repair_of: number | null;
  excluded_reason: string | null;
}

// Extra fields are tolerated: a newer release may add some, and they do not make a row unusable.
const ToolCallSchema = Type.Object({ id: Type.String(), name: Type.String(), arguments: Type.Record(Type.String(), Type.Unknown()) });
const bodyValidator = compile(
  Type.Union([
    Type.Object({ role: Type.Literal('user'), text: Type.String() }),
    Type.Object({
      role: Type.Literal('assistant'),
      text: Type.String(),
      toolCalls: Type.Optional(Type.Array(ToolCallSchema)),
      usage: Type.Optional(Type.Object({ inputTokens: Type.Number(), outputTokens: Type.Number() })),
      stopReason: Type.Optional(Type.String()),
    }),
    Type.Object({ role: Type.Literal('tool'), toolCallId: Type.String(), name: Type.String(), text: Type.String(), isError: Type.Optional(Type.Boolean()), durationMs: Type.Optional(Type.Number()) }),
  ]),
);

function boundText(text: string): string {
  if (text.length <= MAX_MESSAGE_TEXT_CHARS) return text;
  return `${text.slice(0, MAX_MESSAGE_TEXT_CHARS)}\n[truncated: ${text.length - MAX_MESSAGE_TEXT_CHARS} more characters were not stored]`;
}

function boundCall(call: ToolCall): ToolCall {
  const size = JSON.stringify(call.arguments ?? {}).length;
  if (size <= MAX_TOOL_ARGUMENTS_CHARS) return call;
  return { ...call, arguments: { truncated: `the arguments (${size} characters of JSON) were too large to store` } };
}

/** The message as stored: texts and tool arguments within their bounds. */
export function boundMessage(m: TranscriptMessage): TranscriptMessage {
  if (m.role === 'assistant' && m.toolCalls) return { ...m, text: boundText(m.text), toolCalls: m.toolCalls.map(boundCall) };
  return { ...m, text: boundText(m.text) };
}

/** Why a body cannot be read, or undefined when it is a transcript message of the row's role. */
export function bodyProblem(role: string, body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'its body is not valid JSON';
  }
  if (!bodyValidator.check(parsed)) return 'its body is not a transcript message';
  return parsed.role === role ? undefined : `its body says role ${JSON.stringify(parsed.role)}, the row says ${JSON.stringify(role)}`;
}

/** Parse a body; undefined when it is not a transcript message of the row's role. */
function readBody(row: Row): TranscriptMessage | undefined {
  return bodyProblem(row.role, row.body) === undefined ? (JSON.parse(row.body) as TranscriptMessage) : undefined;
}

function placeholder(role: string): TranscriptMessage {
  if (role === 'assistant') return { role: 'assistant', text: UNREADABLE_TEXT };
  if (role === 'tool') return { role: 'tool', toolCallId: '', name: '', text: UNREADABLE_TEXT, isError: true };
  return { role: 'user', text: UNREADABLE_TEXT };
}

function fromRow(r: Row): StoredMessage {
  const message = readBody(r);
  return {
    id: r.id,
    sessionKey: r.session_key,
    runId: r.run_id,
    createdAtMs: r.created_at_ms,
    // A corrupt row stays in history as a placeholder, but never reaches a provider.
    message: message ?? placeholder(r.role),
    repairOf: r.repair_of,
    excludedReason: message ? r.excluded_reason : (r.excluded_reason ?? UNREADABLE_REASON),
    ...(message ? {} : { unreadable: true as const }),
  };
}

/** A transcript row whose body cannot be read and that nothing has marked yet (doctor's transcript-integrity). */
export interface UnreadableRow {
  readonly id: number;
  readonly sessionKey: string;
  readonly role: string;
  readonly problem: string;
}

/** Every unmarked row whose body cannot be read, in id order; reads bodies one at a time (a store may be large). */
export function findUnreadableRows(db: Db): UnreadableRow[] {
  const out: UnreadableRow[] = [];
  const rows = db.prepare('SELECT id, session_key, role, body FROM messages WHERE excluded_reason IS NULL ORDER BY id').iterate() as Iterable<Pick<Row, 'id' | 'session_key' | 'role' | 'body'>>;
  for (const r of rows) {
    const problem = bodyProblem(r.role, r.body);
    if (problem !== undefined) out.push({ id: r.id, sessionKey: r.session_key, role: r.role, problem });
  }
  return out;
}

// Provider order: a synthetic result (repair_of set) sorts right after the assistant message it answers.
const ORDER = 'ORDER BY coalesce(repair_of, id), id';
const ORDER_DESC = 'ORDER BY coalesce(repair_of, id) DESC, id DESC';

/** The transcripts aggregate: append-only rows per session; an orphan is marked excluded, never rewritten. */
export class Transcripts {
  readonly #db: Db;
  readonly #insert;
  readonly #get;
  readonly #all;
  readonly #last;
  readonly #exclude;
  readonly #count;
  readonly #clear;

  constructor(db: Db) {
    this.#db = db;
    this.#insert = db.prepare<[string, string | null, string, string, number, number | null], Row>(
      'INSERT INTO messages (session_key, run_id, role, body, created_at_ms, repair_of) VALUES (?, ?, ?, ?, ?, ?) RETURNING *',
    );
    this.#get = db.prepare<[number], Row>('SELECT * FROM messages WHERE id = ?');
    this.#all = db.prepare<[string, number], Row>(`SELECT * FROM messages WHERE session_key = ? AND id > ? ${ORDER}`);
    this.#last = db.prepare<[string, number, number], Row>(
      `SELECT * FROM (SELECT * FROM messages WHERE session_key = ? AND id > ? ${ORDER_DESC} LIMIT ?) ${ORDER}`,
    );
    this.#exclude = db.prepare<[string, number]>('UPDATE messages SET excluded_reason = ? WHERE id = ? AND excluded_reason IS NULL');
    this.#count = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM messages WHERE session_key = ?');
    this.#clear = db.prepare<[string]>('DELETE FROM messages WHERE session_key = ?');
  }

  /**
   * Append messages in order, all or none. Texts over MAX_MESSAGE_TEXT_CHARS are cut with a marker.
   * Throws UNKNOWN_SESSION when the session does not exist.
   */
  append(sessionKey: string, runId: string | null, messages: readonly TranscriptMessage[], nowMs: number, opts: AppendOptions = {}): StoredMessage[] {
    const insert = this.#db.transaction(() =>
      messages.map((m) => {
        const stored = boundMessage(m);
        return fromRow(this.#insert.get(sessionKey, runId, stored.role, JSON.stringify(stored), nowMs, opts.repairOf ?? null)!);
      }),
    );
    try {
      return insert();
    } catch (err) {
      if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        throw new ClawgateError('UNKNOWN_SESSION', `session ${sessionKey} does not exist`, { sessionKey });
      }
      throw err;
    }
  }

  /** One entry by id. */
  get(id: number): StoredMessage | undefined {
    const row = this.#get.get(id);
    return row ? fromRow(row) : undefined;
  }

  /** A session's entries in provider order; with `limit`, the last `limit` of them. */
  list(sessionKey: string, opts: ListOptions = {}): StoredMessage[] {
    const afterId = opts.afterId ?? 0;
    if (opts.limit === undefined || !Number.isFinite(opts.limit)) return this.#all.all(sessionKey, afterId).map(fromRow);
    return this.#last.all(sessionKey, afterId, Math.max(0, Math.floor(opts.limit))).map(fromRow);
  }

  /** Mark an entry excluded from what providers see. A row is marked once: false when already marked or absent. */
  exclude(id: number, reason: string): boolean {
    return this.#exclude.run(reason, id).changes > 0;
  }

  /** Number of entries of a session (excluded ones included). */
  count(sessionKey: string): number {
    return this.#count.get(sessionKey)!.n;
  }

  /** Delete every entry of a session (a reset); returns how many were deleted. */
  clear(sessionKey: string): number {
    return this.#clear.run(sessionKey).changes;
  }
}
