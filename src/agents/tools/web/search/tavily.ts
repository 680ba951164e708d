import { endpoint, providerJson, tidyResults, type SearchProvider } from './provider.js';

/** Tavily's API address; tools.web.search.baseUrl replaces it (a proxy, or a stand-in in tests). */
export const TAVILY_API = 'https://api.tavily.com';

interface TavilyAnswer {
  results?: { title?: unknown; url?: unknown; content?: unknown }[];
}

/** Tavily: POST /search with a JSON body and the key as a bearer token. */
export const tavily: SearchProvider = {
  id: 'tavily',
  label: 'Tavily',
  keyEnv: 'TAVILY_API_KEY',
  needsBaseUrl: false,
  async search(q) {
    const url = endpoint(q.baseUrl ?? TAVILY_API, 'search');
    const body = JSON.stringify({ query: q.query, max_results: q.count, search_depth: 'basic' });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${q.apiKey!.reveal()}` };
    const answer = (await providerJson(this, url, { method: 'POST', headers, body }, q)) as TavilyAnswer;
    return tidyResults((Array.isArray(answer?.results) ? answer.results : []).map((r) => ({ title: r.title, url: r.url, snippet: r.content })), q.count);
  },
};
