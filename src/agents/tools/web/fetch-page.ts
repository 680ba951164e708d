import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { namedExports } from './lazy-module.js';
import { VERSION } from '../../../version.js';
import type { FetchSettings } from '../../tool-settings.js';
import { htmlToReadable, type ExtractMode } from './html-to-markdown.js';
import { readCapped } from './read-capped.js';
import { SsrfGuard, type Resolver } from './ssrf-guard.js';

/** One page to fetch, with the limits that apply. */
export interface FetchRequest {
  readonly url: string;
  readonly mode: ExtractMode;
  /** Most characters of text kept. */
  readonly maxChars: number;
  readonly settings: FetchSettings;
  /** The caller's abort (the run); the total timeout comes from settings. */
  readonly signal: AbortSignal;
  /** DNS answers for the guard's lookup; only tests replace the system resolver. */
  readonly resolve?: Resolver;
}

/** A fetched page as text (not yet wrapped as untrusted). */
export interface FetchedPage {
  readonly url: string;
  readonly finalUrl: string;
  readonly status: number;
  readonly title: string;
  /** The media type alone (`text/html`), never the header's other parameters. */
  readonly contentType: string;
  readonly text: string;
  /** The body was cut at maxBytes or the text at maxChars. */
  readonly truncated: boolean;
}

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
const ACCEPT = 'text/html,application/xhtml+xml;q=0.9,text/markdown;q=0.9,text/plain;q=0.8,application/json;q=0.8,*/*;q=0.1';

type Kind = 'html' | 'text';

/** What web_fetch makes of a media type: HTML, readable as text, or nothing it reads. */
export function contentKind(mime: string): Kind | undefined {
  if (mime === 'text/html' || mime === 'application/xhtml+xml') return 'html';
  if (mime.startsWith('text/')) return 'text';
  if (mime === 'application/json' || mime === 'application/xml' || /^application\/[a-z0-9.+-]+\+(json|xml)$/.test(mime)) return 'text';
  return undefined;
}

function mediaType(header: string | null): { mime: string; charset: string | undefined } {
  const [type = '', ...params] = (header ?? '').split(';');
  const charset = params.map((p) => /^\s*charset\s*=\s*"?([^";\s]+)"?\s*$/i.exec(p)?.[1]).find((c) => c !== undefined);
  // Only a well-formed type/subtype is shown to the model: the header is the server's to choose.
  const mime = type.trim().toLowerCase();
  return { mime: /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(mime) ? mime : '', charset };
}

function decode(bytes: Uint8Array, charset: string | undefined): string {
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    // An unknown charset label: utf-8 reads most of the web.
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e !== undefined && e !== null && chain.length < 8; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

function failure(err: unknown, url: URL, timedOut: boolean, settings: FetchSettings): ClawgateError {
  const chain = causeChain(err);
  const own = chain.find((e): e is ClawgateError => e instanceof ClawgateError);
  if (own) return own;
  if (timedOut) {
    return new ClawgateError('WEB_FETCH_FAILED', `web_fetch gave up on ${url.host} after ${settings.timeoutMs / 1000} s without the whole page (tools.web.fetch.timeoutSeconds); try again, or raise it with clawgate config set tools.web.fetch.timeoutSeconds 60`, { host: url.host, reason: 'timeout', timeoutMs: settings.timeoutMs });
  }
  const coded = chain.find((e) => typeof (e as { code?: unknown }).code === 'string') as { code: string; message?: string } | undefined;
  const reason = coded?.code ?? 'network';
  return new ClawgateError('WEB_FETCH_FAILED', `web_fetch could not get ${url.host}: ${coded?.message ?? (err as Error).message} (${reason}); check the URL, or try again later`, { host: url.host, reason });
}

function parseUrl(text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new ClawgateError('INVALID_PARAMS', `web_fetch needs an absolute http(s) URL, e.g. https://example.com/page; got ${JSON.stringify(text.slice(0, 200))}`, {});
  }
}

/**
 * Fetch a page under the SSRF guard and make it text: redirects are followed by hand, each hop's URL checked
 * again (scheme, credentials, IP literals) and every connection's DNS answer checked in the dispatcher's
 * lookup; one timeout covers every hop and the body; the body is read up to maxBytes; HTML becomes its
 * article as markdown (or text), text types pass as they are, anything else is refused by its type.
 */
export async function fetchPage(req: FetchRequest): Promise<FetchedPage> {
  const { settings } = req;
  const start = parseUrl(req.url);
  const guard = new SsrfGuard(settings.allowPrivate);
  guard.checkUrl(start);
  const { Agent, fetch } = namedExports(await import('undici'));
  const dispatcher = new Agent({ connect: { lookup: guard.lookup(req.resolve) } });
  const timeout = AbortSignal.timeout(settings.timeoutMs);
  const signal = AbortSignal.any([req.signal, timeout]);
  let current = start;
  try {
    for (let hops = 0; ; hops++) {
      const res = await fetch(current, { dispatcher, redirect: 'manual', signal, headers: { accept: ACCEPT, 'user-agent': `Clawgate/${VERSION} (web_fetch)` } });
      const location = res.headers.get('location');
      if (REDIRECT_STATUSES.has(res.status) && location !== null) {
        await res.body?.cancel().catch(() => undefined);
        if (hops >= settings.maxRedirects) {
          throw new ClawgateError('WEB_FETCH_UNSUPPORTED', `web_fetch stopped at ${current.host}: more than ${settings.maxRedirects} redirects (tools.web.fetch.maxRedirects); fetch the final URL directly, or raise the limit with clawgate config set tools.web.fetch.maxRedirects 10`, { host: current.host, reason: 'redirects', maxRedirects: settings.maxRedirects });
        }
        let next: URL;
        try {
          next = new URL(location, current);
        } catch {
          throw new ClawgateError('WEB_FETCH_UNSUPPORTED', `web_fetch got a redirect from ${current.host} to an invalid URL`, { host: current.host, reason: 'bad-redirect' });
        }
        guard.checkUrl(next);
        current = next;
        continue;
      }
      const { mime, charset } = mediaType(res.headers.get('content-type'));
      const kind = contentKind(mime);
      if (!kind) {
        await res.body?.cancel().catch(() => undefined);
        throw new ClawgateError('WEB_FETCH_UNSUPPORTED', `web_fetch reads HTML, text, markdown and JSON; ${current.host} sent ${mime || 'no content type'}, which is not text; fetch a page about it instead`, { host: current.host, reason: 'content-type', contentType: mime });
      }
      const body = await readCapped(res.body as ReadableStream<Uint8Array> | null, settings.maxBytes);
      const raw = decode(body.bytes, charset);
      const page = kind === 'html' ? await htmlToReadable(raw, current.href, req.mode) : { title: '', text: raw.trim() };
      const cut = page.text.length > req.maxChars;
      return {
        url: start.href,
        finalUrl: current.href,
        status: res.status,
        title: page.title,
        contentType: mime,
        text: cut ? page.text.slice(0, req.maxChars) : page.text,
        truncated: body.truncated || cut,
      };
    }
  } catch (err) {
    if (req.signal.aborted) throw err;
    throw failure(err, current, timeout.aborted, settings);
  } finally {
    void dispatcher.destroy().catch(() => undefined);
  }
}
