import { SEARCH_MAX_RESULTS } from '../limits.js';
import { endpoint, providerJson, tidyResults, type SearchProvider } from './provider.js';

/** Brave's API address; tools.web.search.baseUrl replaces it (a proxy, or a stand-in in tests). */
export const BRAVE_API = 'https://api.search.brave.com';

interface BraveAnswer {
  web?: { results?: { title?: unknown; url?: unknown; description?: unknown }[] };
}

/** Brave Search API: GET /res/v1/web/search with the key in the X-Subscription-Token header. */
export const brave: SearchProvider = {
  id: 'brave',
  label: 'Brave Search',
  keyEnv: 'BRAVE_API_KEY',
  needsBaseUrl: false,
  async search(q) {
    const url = endpoint(q.baseUrl ?? BRAVE_API, 'res/v1/web/search');
    url.searchParams.set('q', q.query);
    url.searchParams.set('count', String(Math.min(q.count, SEARCH_MAX_RESULTS)));
    const answer = (await providerJson(this, url, { method: 'GET', headers: { 'x-subscription-token': q.apiKey!.reveal() } }, q)) as BraveAnswer;
    const results = Array.isArray(answer?.web?.results) ? answer.web.results : [];
    return tidyResults(results.map((r) => ({ title: r.title, url: r.url, snippet: r.description })), q.count);
  },
};
