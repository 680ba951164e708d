import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FetchCache } from './fetch-cache.js';
import type { FetchedPage } from './fetch-page.js';

function page(text: string): FetchedPage {
  return { url: 'u', finalUrl: 'f', status: 200, title: 't', contentType: 'text/plain', text, truncated: false };
}

test('a stored page is returned until its TTL runs out; TTL 0 stores nothing', () => {
  let now = 1000;
  const cache = new FetchCache({ now: () => now });
  cache.set('a', page('A'), 500);
  now = 1499;
  assert.equal(cache.get('a')?.text, 'A');
  now = 1500;
  assert.equal(cache.get('a'), undefined);
  assert.deepEqual(cache.size, { entries: 0, chars: 0 });
  cache.set('b', page('B'), 0);
  assert.equal(cache.get('b'), undefined);
});

test('bounded in entries: the least recently used goes first', () => {
  const cache = new FetchCache({ maxEntries: 2 });
  cache.set('a', page('A'), 60_000);
  cache.set('b', page('B'), 60_000);
  assert.equal(cache.get('a')?.text, 'A');
  cache.set('c', page('C'), 60_000);
  assert.deepEqual([cache.get('a')?.text, cache.get('b')?.text, cache.get('c')?.text], ['A', undefined, 'C']);
  assert.equal(cache.size.entries, 2);
});

test('bounded in characters: old entries go to make room, a page bigger than the cache is not stored, a replaced key is counted once', () => {
  const cache = new FetchCache({ maxChars: 100 });
  // Each entry counts its text, title and final URL: 40 + 1 + 1.
  cache.set('a', page('x'.repeat(40)), 60_000);
  cache.set('b', page('y'.repeat(40)), 60_000);
  assert.deepEqual(cache.size, { entries: 2, chars: 84 });
  cache.set('c', page('z'.repeat(40)), 60_000);
  assert.deepEqual([cache.get('a'), cache.size], [undefined, { entries: 2, chars: 84 }]);
  cache.set('c', page('w'.repeat(10)), 60_000);
  assert.deepEqual(cache.size, { entries: 2, chars: 54 });
  cache.set('huge', page('h'.repeat(200)), 60_000);
  assert.equal(cache.get('huge'), undefined);
  assert.equal(cache.size.entries, 2);
});

test('the key tells apart URL, mode, length and allowlist', () => {
  const keys = new Set([
    FetchCache.keyOf('https://a/', 'markdown', 100, []),
    FetchCache.keyOf('https://b/', 'markdown', 100, []),
    FetchCache.keyOf('https://a/', 'text', 100, []),
    FetchCache.keyOf('https://a/', 'markdown', 200, []),
    FetchCache.keyOf('https://a/', 'markdown', 100, ['10.0.0.0/8']),
  ]);
  assert.equal(keys.size, 5);
});
