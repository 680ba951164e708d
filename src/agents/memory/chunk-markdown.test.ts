import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chunkMarkdown } from './chunk-markdown.js';

test('a heading starts a chunk and stays with its paragraph; line ranges are 1-based and inclusive', () => {
  const text = ['# Trip', '', 'Flight to Lisbon on May 3.', 'Hotel near the river.', '', '## Packing', 'passport', 'charger', ''].join('\n');
  const chunks = chunkMarkdown(text);
  assert.deepEqual(
    chunks.map((c) => [c.startLine, c.endLine, c.heading]),
    [
      [1, 4, 'Trip'],
      [6, 8, 'Packing'],
    ],
  );
  assert.equal(chunks[0]!.text, '# Trip\n\nFlight to Lisbon on May 3.\nHotel near the river.');
});

test('short paragraphs join; a chunk that reached half the limit ends at the next blank line; none passes the limit', () => {
  const para = (n: number) => `${'word '.repeat(n).trim()}`;
  const text = [para(10), '', para(10), '', para(80), '', para(10)].join('\n');
  const chunks = chunkMarkdown(text, 300);
  // 50 + 50 chars join; the 400-char paragraph starts its own chunk (it would pass 300); the last joins nothing before it.
  assert.deepEqual(chunks.map((c) => [c.startLine, c.endLine]), [[1, 3], [5, 5], [7, 7]]);
});

test('headings and blank lines inside code fences do not split', () => {
  const text = ['# Setup', '```sh', '# not a heading', '', 'make install', '```', '', '# Next', 'done'].join('\n');
  const chunks = chunkMarkdown(text);
  assert.deepEqual(chunks.map((c) => [c.startLine, c.endLine, c.heading]), [[1, 6, 'Setup'], [8, 9, 'Next']]);
});

test('blank files and blank lines give no chunks', () => {
  assert.deepEqual(chunkMarkdown(''), []);
  assert.deepEqual(chunkMarkdown('\n\n   \n'), []);
});
