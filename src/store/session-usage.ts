import type { Db } from './database.js';
import type { Usage } from './transcripts.js';

/**
 * Token counts of one session, read from the usage its assistant entries carry.
 * An assistant entry stores its run's usage so far (cumulative within the run), so a run's total is its last entry's
 * and the last model call's own count is the difference to the entry before it in the same run.
 */
export interface SessionTokenUsage {
  /** Input tokens of all the session's runs. */
  readonly inputTokens: number;
  /** Output tokens of all the session's runs. */
  readonly outputTokens: number;
  /** Input plus output tokens of the last model call: how full the context was then. */
  readonly lastCallTokens: number;
}

interface UsageRow {
  run_id: string | null;
  body: string;
}

function usageOf(body: string): Usage | undefined {
  try {
    const u = (JSON.parse(body) as { usage?: unknown }).usage as Partial<Usage> | undefined;
    return u && typeof u.inputTokens === 'number' && typeof u.outputTokens === 'number' ? { inputTokens: u.inputTokens, outputTokens: u.outputTokens } : undefined;
  } catch {
    return undefined; // an unreadable row counts nothing
  }
}

/** Reads sessions' token usage from their transcripts (no stored counters to drift). */
export class SessionUsage {
  readonly #runTotals;
  readonly #lastTwo;

  constructor(db: Db) {
    // Excluded rows count too: the tokens were spent.
    this.#runTotals = db.prepare<[string, string], UsageRow>(
      `SELECT run_id, body FROM messages WHERE id IN (SELECT max(id) FROM messages WHERE session_key = ? AND role = 'assistant' GROUP BY run_id)
       OR (session_key = ? AND role = 'assistant' AND run_id IS NULL)`,
    );
    this.#lastTwo = db.prepare<[string], UsageRow>(`SELECT run_id, body FROM messages WHERE session_key = ? AND role = 'assistant' ORDER BY id DESC LIMIT 2`);
  }

  /** The session's token counts; undefined when no entry of it carries usage. */
  of(sessionKey: string): SessionTokenUsage | undefined {
    let inputTokens = 0;
    let outputTokens = 0;
    let any = false;
    // A run's last entry, and every entry without a run (each stands alone).
    for (const row of this.#runTotals.all(sessionKey, sessionKey)) {
      const u = usageOf(row.body);
      if (!u) continue;
      any = true;
      inputTokens += u.inputTokens;
      outputTokens += u.outputTokens;
    }
    if (!any) return undefined;
    const [last, before] = this.#lastTwo.all(sessionKey);
    const lastUsage = last ? usageOf(last.body) : undefined;
    let lastCallTokens = lastUsage ? lastUsage.inputTokens + lastUsage.outputTokens : 0;
    const beforeUsage = before && last && before.run_id !== null && before.run_id === last.run_id ? usageOf(before.body) : undefined;
    if (lastUsage && beforeUsage) lastCallTokens = lastUsage.inputTokens - beforeUsage.inputTokens + (lastUsage.outputTokens - beforeUsage.outputTokens);
    return { inputTokens, outputTokens, lastCallTokens: Math.max(0, lastCallTokens) };
  }
}
