import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reply, startWebServer } from '../../../../../test/helpers/web-server.js';
import { Secret } from '../../../../auth/secret.js';
import { ClawgateError } from '../../../../protocol/error-catalogue.js';
import { brave } from './brave.js';
import type { SearchQuery } from './provider.js';

const KEY = 'BSA-test-key-9f8e7d';

function query(baseUrl: string, over: Partial<SearchQuery> = {}): SearchQuery {
  return { query: 'tide tables', count: 3, baseUrl, apiKey: new Secret(KEY), timeoutMs: 5000, signal: new AbortController().signal, ...over };
}

test('Brave: GET /res/v1/web/search with the key in X-Subscription-Token; web.results mapped to title, url, snippet', async (t) => {
  const api = await startWebServer(t, (_req, res) =>
    reply(res, 200, 'application/json', JSON.stringify({ type: 'search', web: { results: [{ title: 'Tides', url: 'https://tides.example/', description: 'All about <strong>tides</strong>' }] } })),
  );
  const results = await brave.search(query(api.origin));
  assert.deepEqual(results, [{ title: 'Tides', url: 'https://tides.example/', snippet: 'All about <strong>tides</strong>' }]);
  const sent = new URL(api.requests[0]!.path, api.origin);
  assert.equal(sent.pathname, '/res/v1/web/search');
  assert.deepEqual([sent.searchParams.get('q'), sent.searchParams.get('count')], ['tide tables', '3']);
  assert.equal(api.requests[0]!.headers['x-subscription-token'], KEY);
  assert.ok(!sent.search.includes(KEY), 'the key never goes in the URL');
  assert.deepEqual(await brave.search(query(`${api.origin}/`, { count: 1 })), results);
});

test('Brave: a refused key is an error that quotes the answer with the key scrubbed, and says which key to check', async (t) => {
  const api = await startWebServer(t, (req, res) => reply(res, 401, 'application/json', JSON.stringify({ error: { detail: `The token ${req.headers['x-subscription-token']} is invalid` } })));
  const err = await brave.search(query(api.origin)).then(() => assert.fail('expected an error'), (e: ClawgateError) => e);
  assert.equal(err.code, 'WEB_SEARCH_FAILED');
  assert.match(err.message, /Brave Search at 127\.0\.0\.1:\d+ answered HTTP 401 \(the key was refused: check tools\.web\.search\.apiKey\)/);
  assert.match(err.message, /The token \[redacted\] is invalid/);
  assert.ok(!JSON.stringify({ m: err.message, d: err.details, s: err.stack }).includes(KEY));
});

test('Brave: a provider that does not answer in time is a timeout naming tools.web.search.timeoutSeconds', async (t) => {
  const api = await startWebServer(t, () => undefined);
  const err = await brave.search(query(api.origin, { timeoutMs: 200 })).then(() => assert.fail('expected an error'), (e: ClawgateError) => e);
  assert.equal(err.code, 'WEB_SEARCH_FAILED');
  assert.equal(err.details.reason, 'timeout');
  assert.match(err.message, /tools\.web\.search\.timeoutSeconds/);
});
