import { namedExports } from './lazy-module.js';
import { FETCH_MAX_HTML_CHARS } from './limits.js';

/** How web_fetch renders a page: markdown (headings, links, lists) or plain text. */
export type ExtractMode = 'markdown' | 'text';

/** A page's readable part. */
export interface Readable {
  readonly title: string;
  readonly text: string;
}

/** Collapse runs of blank lines and trailing spaces that markup leaves behind. */
function tidy(text: string): string {
  return text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Make links and images absolute against the page's URL, so the model can fetch what a page links to. */
function absolutise(doc: Document, base: string): void {
  for (const [selector, attr] of [['a[href]', 'href'], ['img[src]', 'src']] as const) {
    for (const el of doc.querySelectorAll(selector)) {
      const value = el.getAttribute(attr) ?? '';
      try {
        const abs = new URL(value, base);
        // A javascript: or data: link is nothing the model can follow.
        if (abs.protocol === 'http:' || abs.protocol === 'https:') el.setAttribute(attr, abs.href);
        else el.removeAttribute(attr);
      } catch {
        el.removeAttribute(attr);
      }
    }
  }
}

/** The body's text without scripts, styles and other markup that is not prose. */
function bodyText(doc: Document): string {
  for (const el of doc.querySelectorAll('script, style, noscript, template, svg, iframe')) el.remove();
  const root = doc.body ?? doc.documentElement;
  return tidy((root?.textContent ?? '').replace(/[ \t\r\f\v]+/g, ' ').replace(/\n\s*/g, '\n'));
}

/**
 * A page's article as markdown or text: Readability picks the article out of a linkedom document, turndown
 * turns its HTML into markdown; a page where Readability finds no article gives its body text. The parsers
 * load on first use, so nothing that never fetches a page pays for them.
 */
export async function htmlToReadable(html: string, url: string, mode: ExtractMode): Promise<Readable> {
  const [{ parseHTML }, { Readability }] = (await Promise.all([import('linkedom'), import('@mozilla/readability')])).map(namedExports) as [typeof import('linkedom'), typeof import('@mozilla/readability')];
  const source = html.length > FETCH_MAX_HTML_CHARS ? html.slice(0, FETCH_MAX_HTML_CHARS) : html;
  const doc = parseHTML(source).document as unknown as Document;
  absolutise(doc, url);
  const docTitle = (doc.title ?? '').trim();
  let article: { title?: string | null; content?: string | null; textContent?: string | null } | null = null;
  try {
    article = new Readability(doc).parse();
  } catch {
    // A document Readability cannot walk still has a body.
  }
  const title = (article?.title || docTitle).replace(/\s+/g, ' ').trim();
  // Readability changes the document it reads, so the fallback parses the page again.
  if (!article?.content || !article.textContent?.trim()) return { title, text: bodyText(parseHTML(source).document as unknown as Document) };
  if (mode === 'text') return { title, text: tidy(article.textContent.replace(/[ \t\r\f\v]+/g, ' ').replace(/\n\s*/g, '\n')) };
  const { default: TurndownService } = await import('turndown');
  const turndown = new TurndownService({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-' });
  return { title, text: tidy(turndown.turndown(article.content)) };
}
