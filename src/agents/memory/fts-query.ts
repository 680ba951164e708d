import { MAX_QUERY_TERMS } from './memory-limits.js';

/** Letters, digits and combining marks: what FTS5's unicode61 tokenizer keeps as a word. */
const WORD_RE = /[\p{L}\p{N}\p{M}]+/gu;

/** The words of a model's query, lower-cased, each once, at most MAX_QUERY_TERMS. */
export function queryTerms(query: string): string[] {
  const seen = new Set<string>();
  for (const m of query.matchAll(WORD_RE)) {
    seen.add(m[0].toLowerCase());
    if (seen.size >= MAX_QUERY_TERMS) break;
  }
  return [...seen];
}

/**
 * An FTS5 MATCH expression for the terms: each term a quoted string (so `AND`, `(`, `"`, `NEAR`, `*` and
 * column filters in the model's text are plain words, never syntax), all required or any one.
 */
export function ftsExpression(terms: readonly string[], mode: 'all' | 'any'): string {
  // Terms are word characters only, so a term never contains a double quote to escape.
  return terms.map((t) => `"${t}"`).join(mode === 'all' ? ' ' : ' OR ');
}
