import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ago, duration, formatTable } from './table.js';

test('formatTable aligns columns to the widest cell, two spaces apart, with no trailing spaces', () => {
  const text = formatTable(['ID', 'NAME', 'N'], [
    ['a', 'laptop', 1],
    ['abcdef', 'x', 12345],
  ]);
  assert.equal(text, ['ID      NAME    N', 'a       laptop  1', 'abcdef  x       12345'].join('\n'));
  for (const line of text.split('\n')) assert.equal(line, line.trimEnd());
});

test('formatTable prints empty and missing cells as "-", also in the last column', () => {
  assert.equal(formatTable(['A', 'B'], [['', undefined], [undefined, 'x']]), ['A  B', '-  -', '-  x'].join('\n'));
  assert.equal(formatTable(['A', 'B'], [['only-a']]), ['A       B', 'only-a  -'].join('\n'), 'a short row is padded with "-"');
});

test('formatTable with no rows is just the header; 0 is a value, not empty', () => {
  assert.equal(formatTable(['ONE', 'TWO'], []), 'ONE  TWO');
  assert.equal(formatTable(['N'], [[0]]), 'N\n0');
});

test('ago rounds to the largest sensible unit; undefined stays undefined; the future is "0s ago"', () => {
  const now = 1_000_000_000;
  assert.equal(ago(undefined, now), undefined);
  assert.equal(ago(now, now), '0s ago');
  assert.equal(ago(now + 5_000, now), '0s ago');
  assert.equal(ago(now - 59_000, now), '59s ago');
  assert.equal(ago(now - 60_000, now), '1m ago');
  assert.equal(ago(now - 59 * 60_000, now), '59m ago');
  assert.equal(ago(now - 3_600_000, now), '1h ago');
  assert.equal(ago(now - 23 * 3_600_000, now), '23h ago');
  assert.equal(ago(now - 86_400_000, now), '1d ago');
  assert.equal(ago(now - 30 * 86_400_000, now), '30d ago');
});

test('duration prints seconds, then minutes and seconds, then hours and minutes', () => {
  assert.equal(duration(0), '0s');
  assert.equal(duration(59_999), '59s');
  assert.equal(duration(60_000), '1m 0s');
  assert.equal(duration(3_599_000), '59m 59s');
  assert.equal(duration(3_600_000), '1h 0m');
  assert.equal(duration(90_061_000), '25h 1m');
});
