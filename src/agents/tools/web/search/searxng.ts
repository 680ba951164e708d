import { endpoint, providerJson, tidyResults, type SearchProvider } from './provider.js';

interface SearxngAnswer {
  results?: { title?: unknown; url?: unknown; content?: unknown }[];
}

/** SearXNG, self-hosted: GET {baseUrl}/search?q=…&format=json (the instance must enable the json format). */
export const searxng: SearchProvider = {
  id: 'searxng',
  label: 'SearXNG',
  keyEnv: undefined,
  needsBaseUrl: true,
  async search(q) {
    const url = endpoint(q.baseUrl!, 'search');
    url.searchParams.set('q', q.query);
    url.searchParams.set('format', 'json');
    // An instance behind a token-checking proxy gets the key as a bearer token; a plain instance ignores it.
    const headers: Record<string, string> = q.apiKey ? { authorization: `Bearer ${q.apiKey.reveal()}` } : {};
    const answer = (await providerJson(this, url, { method: 'GET', headers }, q)) as SearxngAnswer;
    return tidyResults((Array.isArray(answer?.results) ? answer.results : []).map((r) => ({ title: r.title, url: r.url, snippet: r.content })), q.count);
  },
};
