import type { Secret } from '../../../../auth/secret.js';
import { ClawgateError } from '../../../../protocol/error-catalogue.js';
import { REDACTED } from '../../../../protocol/redaction.js';
import { SEARCH_MAX_ERROR_CHARS, SEARCH_MAX_RESPONSE_BYTES, SEARCH_MAX_SNIPPET_CHARS, SEARCH_MAX_TITLE_CHARS } from '../limits.js';
import { readCapped } from '../read-capped.js';

/** One search hit as the model sees it (inside an untrusted block). */
export interface SearchResult {
  readonly title: string;
  readonly url: string;
  readonly snippet: string;
}

/** One search, with the provider's configuration. */
export interface SearchQuery {
  readonly query: string;
  readonly count: number;
  /** The configured tools.web.search.baseUrl; providers with a public API use theirs when it is unset. */
  readonly baseUrl: string | undefined;
  readonly apiKey: Secret | undefined;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

/** A web search API (SearXNG, Brave, Tavily): what it needs, and how to ask it. */
export interface SearchProvider {
  readonly id: 'searxng' | 'brave' | 'tavily';
  /** Shown in messages. */
  readonly label: string;
  /** Refused without a key; the environment variable suggested for it. */
  readonly keyEnv: string | undefined;
  /** Refused without tools.web.search.baseUrl (a self-hosted service has no public address). */
  readonly needsBaseUrl: boolean;
  search(q: SearchQuery): Promise<SearchResult[]>;
}

/** Replace a key wherever it appears in text from or about a provider (bodies echo requests; URLs carry keys). */
export function scrubKey(text: string, apiKey: Secret | undefined): string {
  const key = apiKey?.reveal();
  if (!key) return text;
  return [key, encodeURIComponent(key)].reduce((t, k) => t.split(k).join(REDACTED), text);
}

/** An endpoint under a base URL that may or may not end in a slash (`http://h/searx` + `search`). */
export function endpoint(base: string, path: string): URL {
  return new URL(path, base.endsWith('/') ? base : `${base}/`);
}

/** Cut a provider's string to a limit, on one line for titles. */
export function clip(value: unknown, max: number): string {
  return typeof value === 'string' ? value.replace(/\s+/g, ' ').trim().slice(0, max) : '';
}

/** Keep results with an http(s) URL, clipped, at most `count`. */
export function tidyResults(raw: readonly { title?: unknown; url?: unknown; snippet?: unknown }[], count: number): SearchResult[] {
  const out: SearchResult[] = [];
  for (const r of raw) {
    if (typeof r.url !== 'string' || !/^https?:\/\//i.test(r.url)) continue;
    out.push({ title: clip(r.title, SEARCH_MAX_TITLE_CHARS), url: r.url.slice(0, 2048), snippet: clip(r.snippet, SEARCH_MAX_SNIPPET_CHARS) });
    if (out.length >= count) break;
  }
  return out;
}

function failed(provider: string, message: string, details: Record<string, unknown>, apiKey: Secret | undefined): ClawgateError {
  return new ClawgateError('WEB_SEARCH_FAILED', scrubKey(message, apiKey), { provider, ...details });
}

/**
 * Call a provider's JSON API under the search timeout, reading at most SEARCH_MAX_RESPONSE_BYTES. Failures
 * are WEB_SEARCH_FAILED with the provider's answer quoted, the key scrubbed from everything said.
 */
export async function providerJson(provider: SearchProvider, url: URL, init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string }, q: SearchQuery): Promise<unknown> {
  const timeout = AbortSignal.timeout(q.timeoutMs);
  const signal = AbortSignal.any([q.signal, timeout]);
  const where = `${provider.label} at ${url.host}`;
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, { ...init, headers: { accept: 'application/json', ...init.headers }, signal, redirect: 'error' });
    const body = await readCapped(res.body as ReadableStream<Uint8Array> | null, SEARCH_MAX_RESPONSE_BYTES);
    text = new TextDecoder().decode(body.bytes);
  } catch (err) {
    if (q.signal.aborted) throw err;
    if (timeout.aborted) throw failed(provider.id, `web_search: ${where} did not answer within ${q.timeoutMs / 1000} s (tools.web.search.timeoutSeconds); try again later`, { reason: 'timeout' }, q.apiKey);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw failed(provider.id, `web_search could not reach ${where}: ${cause?.message ?? (err as Error).message}; check tools.web.search.baseUrl`, { reason: cause?.code ?? 'network' }, q.apiKey);
  }
  if (!res.ok) {
    const quoted = text.replace(/\s+/g, ' ').trim().slice(0, SEARCH_MAX_ERROR_CHARS);
    const hint = res.status === 401 || res.status === 403 ? ' (the key was refused: check tools.web.search.apiKey)' : res.status === 429 ? ' (rate limited: try again later)' : '';
    throw failed(provider.id, `web_search: ${where} answered HTTP ${res.status}${hint}: ${quoted}`, { reason: 'http', status: res.status }, q.apiKey);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw failed(provider.id, `web_search: ${where} did not answer with JSON; is tools.web.search.baseUrl the API's address${provider.id === 'searxng' ? ' and is the json format enabled in SearXNG (search.formats in settings.yml)' : ''}?`, { reason: 'not-json' }, q.apiKey);
  }
}
