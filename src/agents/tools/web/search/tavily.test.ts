import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reply, startWebServer } from '../../../../../test/helpers/web-server.js';
import { Secret } from '../../../../auth/secret.js';
import { ClawgateError } from '../../../../protocol/error-catalogue.js';
import type { SearchQuery } from './provider.js';
import { tavily } from './tavily.js';

const KEY = 'tvly-test-1a2b3c4d';

function query(baseUrl: string, over: Partial<SearchQuery> = {}): SearchQuery {
  return { query: 'tide tables', count: 4, baseUrl, apiKey: new Secret(KEY), timeoutMs: 5000, signal: new AbortController().signal, ...over };
}

test('Tavily: POST /search with a JSON body and the key as a bearer token; results mapped to title, url, snippet', async (t) => {
  const api = await startWebServer(t, (_req, res) =>
    reply(res, 200, 'application/json', JSON.stringify({ query: 'tide tables', results: [{ title: 'Tides', url: 'https://tides.example/', content: 'The moon pulls.', score: 0.9 }, { title: 'No URL', content: 'dropped' }] })),
  );
  assert.deepEqual(await tavily.search(query(api.origin)), [{ title: 'Tides', url: 'https://tides.example/', snippet: 'The moon pulls.' }]);
  const sent = api.requests[0]!;
  assert.deepEqual([sent.method, sent.path, sent.headers['content-type'], sent.headers.authorization], ['POST', '/search', 'application/json', `Bearer ${KEY}`]);
  assert.deepEqual(JSON.parse(sent.body), { query: 'tide tables', max_results: 4, search_depth: 'basic' });
});

test('Tavily: an error body that echoes the key is scrubbed; an answer that is not JSON is an error', async (t) => {
  const api = await startWebServer(t, (req, res) => (req.path === '/bad/search' ? reply(res, 200, 'text/plain', 'oops') : reply(res, 432, 'text/plain', `plan limit for ${req.headers.authorization}`)));
  const err = await tavily.search(query(api.origin)).then(() => assert.fail('expected an error'), (e: ClawgateError) => e);
  assert.equal(err.code, 'WEB_SEARCH_FAILED');
  assert.match(err.message, /answered HTTP 432: plan limit for Bearer \[redacted\]/);
  assert.ok(!err.message.includes(KEY));
  await assert.rejects(tavily.search(query(`${api.origin}/bad`)), (e: ClawgateError) => e.details.reason === 'not-json');
});
