import { MAX_QUERY_TERMS } from './memory-limits.js';

/** Letters, digits and combining marks: what FTS5's unicode61 tokenizer keeps as a word. */
const WORD_RE = /[\p{L}\p{N}\p{M}]+/gu;

/**
 * English function words, dropped from a query that has other words: they are in nearly every note, so they
 * rank nothing and make the search read every note's entry (a question-shaped query took 50 ms on 10,000).
 */
const STOP_WORDS = new Set(
  'a an and are as at be but by did do does for from had has have how i in is it its me my of on or our so that the their then there this to was we were what when where which who why will with you your'.split(' '),
);

/** The words of a model's query, lower-cased, each once, function words dropped when others remain, at most MAX_QUERY_TERMS. */
export function queryTerms(query: string): string[] {
  const seen = new Set<string>();
  for (const m of query.matchAll(WORD_RE)) {
    seen.add(m[0].toLowerCase());
    if (seen.size >= MAX_QUERY_TERMS) break;
  }
  const words = [...seen];
  const content = words.filter((w) => !STOP_WORDS.has(w));
  return content.length > 0 ? content : words;
}

/**
 * An FTS5 MATCH expression for the terms: each term a quoted string (so `AND`, `(`, `"`, `NEAR`, `*` and
 * column filters in the model's text are plain words, never syntax), all required or any one.
 */
export function ftsExpression(terms: readonly string[], mode: 'all' | 'any'): string {
  // Terms are word characters only, so a term never contains a double quote to escape.
  return terms.map((t) => `"${t}"`).join(mode === 'all' ? ' ' : ' OR ');
}
