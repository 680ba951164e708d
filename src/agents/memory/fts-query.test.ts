import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ftsExpression, queryTerms } from './fts-query.js';
import { MAX_QUERY_TERMS } from './memory-limits.js';

test('FTS5 syntax in a query becomes plain quoted words', () => {
  const terms = queryTerms('"foo AND (bar OR baz*) NEAR(x y) body:secret -q ^start');
  assert.deepEqual(terms, ['foo', 'bar', 'baz', 'near', 'x', 'y', 'body', 'secret', 'q', 'start'], 'AND and OR are words too (function words, dropped)');
  assert.equal(ftsExpression(['foo', 'and'], 'all'), '"foo" "and"');
  assert.equal(ftsExpression(['foo', 'and'], 'any'), '"foo" OR "and"');
});

test('words are lower-cased, kept once, in any script, and capped', () => {
  assert.deepEqual(queryTerms('Zoë zoë Straße 東京 42'), ['zoë', 'straße', '東京', '42']);
  assert.deepEqual(queryTerms('((( ))) "" **'), []);
});

test('function words are dropped while other words remain, and kept when they are all there is', () => {
  assert.deepEqual(queryTerms('what did I say about the dentist'), ['say', 'about', 'dentist']);
  assert.deepEqual(queryTerms('to be or not to be'), ['not']);
  assert.deepEqual(queryTerms('the who'), ['the', 'who']);
  assert.equal(queryTerms(Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ')).length, MAX_QUERY_TERMS);
});
