import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reply, startWebServer } from '../../../../../test/helpers/web-server.js';
import { ClawgateError } from '../../../../protocol/error-catalogue.js';
import type { SearchQuery } from './provider.js';
import { searxng } from './searxng.js';

function query(baseUrl: string, over: Partial<SearchQuery> = {}): SearchQuery {
  return { query: 'tide tables', count: 2, baseUrl, apiKey: undefined, timeoutMs: 5000, signal: new AbortController().signal, ...over };
}

test('SearXNG: GET {baseUrl}/search?q=…&format=json, results mapped to title, url, snippet, at most count, only http(s) URLs', async (t) => {
  const api = await startWebServer(t, (_req, res) =>
    reply(res, 200, 'application/json', JSON.stringify({ results: [
      { title: 'Tides  explained', url: 'https://tides.example/a', content: 'How\ntides work' },
      { title: 'Bad', url: 'javascript:alert(1)', content: 'x' },
      { title: 'Second', url: 'http://b.example/', content: 'more' },
      { title: 'Third', url: 'https://c.example/', content: 'over the count' },
    ] })),
  );
  // A self-hosted instance on localhost is normal: the configured host is not subject to the SSRF guard.
  const results = await searxng.search(query(`${api.origin}/searx`));
  assert.deepEqual(results, [
    { title: 'Tides explained', url: 'https://tides.example/a', snippet: 'How tides work' },
    { title: 'Second', url: 'http://b.example/', snippet: 'more' },
  ]);
  const sent = new URL(api.requests[0]!.path, api.origin);
  assert.equal(sent.pathname, '/searx/search');
  assert.deepEqual([sent.searchParams.get('q'), sent.searchParams.get('format')], ['tide tables', 'json']);
  assert.equal(api.requests[0]!.headers.authorization, undefined);
});

test('SearXNG: an instance without the json format (HTML or 403) gives an error that says what to enable', async (t) => {
  const api = await startWebServer(t, (req, res) => (req.path.startsWith('/html') ? reply(res, 200, 'text/html', '<html>results</html>') : reply(res, 403, 'text/html', 'Forbidden')));
  await assert.rejects(searxng.search(query(`${api.origin}/html/`)), (err: ClawgateError) => err.code === 'WEB_SEARCH_FAILED' && /did not answer with JSON.*search\.formats/.test(err.message));
  await assert.rejects(searxng.search(query(api.origin)), (err: ClawgateError) => err.code === 'WEB_SEARCH_FAILED' && /answered HTTP 403/.test(err.message) && err.details.status === 403);
});
