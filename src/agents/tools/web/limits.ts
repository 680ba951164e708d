/** Named limits of the web tools (web_fetch, web_search); the configurable ones live in tool-settings.ts. */

/** Most entries the web_fetch cache keeps (the least recently used goes first). */
export const FETCH_CACHE_MAX_ENTRIES = 100;
/** Most characters of page text the web_fetch cache keeps in all (about 2 bytes each in memory). */
export const FETCH_CACHE_MAX_CHARS = 8 * 1024 * 1024;
/** Least characters a caller may ask web_fetch for (a smaller maxChars is raised to this). */
export const FETCH_MIN_CHARS = 100;
/** Longest page title kept (a title is one line; a longer one is a page stuffing it). */
export const FETCH_MAX_TITLE_CHARS = 300;
/** Most characters of a page's HTML handed to Readability (a bigger document is cut before parsing). */
export const FETCH_MAX_HTML_CHARS = 5 * 1024 * 1024;
/** Most web_search results one call may ask for. */
export const SEARCH_MAX_RESULTS = 20;
/** Longest title and snippet kept per search result. */
export const SEARCH_MAX_TITLE_CHARS = 300;
export const SEARCH_MAX_SNIPPET_CHARS = 1000;
/** Most bytes read from a search provider's answer. */
export const SEARCH_MAX_RESPONSE_BYTES = 2 * 1024 * 1024;
/** Most characters of a provider's error body quoted in an error (after the key is scrubbed). */
export const SEARCH_MAX_ERROR_CHARS = 300;
/** Longest query sent to a provider. */
export const SEARCH_MAX_QUERY_CHARS = 400;
